from odoo import api, models, tools
from odoo.exceptions import AccessError

# Modules of the suite: the stored computed fields they define are results
# that only their own code computes (see CareGuardMixin).
SUITE_PREFIXES = ("elder_crm", "care_")


class CareGuardMixin(models.AbstractModel):
    """Fields that no client may write: results and money.

    Every public model method is callable over XML-RPC by anyone with a login,
    and a ``readonly`` in a view stops nobody. A model that inherits this
    mixin refuses, in ``create`` and ``write`` from a client:

    - every stored computed field defined by the suite that has no inverse
      and is read-only (a total score, a level, a balance): it is a result;
    - the names listed in ``_care_protected_fields`` (money, settlement
      states, evidence), which only the code paths that own them write.

    Those code paths check the caller's right themselves, then write with
    ``sudo()``: the superuser environment is the one thing a client cannot
    ask for (a context key can be sent over RPC, ``env.su`` cannot).
    """

    _name = "care.guard.mixin"
    _description = "Fields only the suite's own code may write"

    # field names, beyond the suite's stored computed ones, that clients may
    # not write (money, states and evidence owned by a code path)
    _care_protected_fields = ()

    @api.model
    @tools.ormcache()
    def _care_guarded_fields(self):
        """The guarded names of this model: its fields do not change while the
        registry lives, so they are found once per model, not on every write
        (the cache key holds the model's name)."""
        names = set(self._care_protected_fields)
        for name, field in self._fields.items():
            if (
                field.store
                and field.compute
                and field.readonly
                and not field.inverse
                and any(
                    module and module.startswith(SUITE_PREFIXES)
                    for module in (field._modules or ())
                )
            ):
                names.add(name)
        return frozenset(names)

    def _care_check_guarded(self, vals):
        if self.env.su:
            return
        forbidden = sorted(set(vals) & self._care_guarded_fields())
        if forbidden:
            # in the user's language, as the rest of the message
            labels = ", ".join(
                self._fields[name]._description_string(self.env) for name in forbidden
            )
            raise AccessError(
                self.env._(
                    "%(fields)s of %(model)s are set by the system and cannot be "
                    "changed directly.",
                    fields=labels,
                    model=self.env["ir.model"]._get(self._name).sudo().name,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._care_check_guarded(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._care_check_guarded(vals)
        return super().write(vals)
