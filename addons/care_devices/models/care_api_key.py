import hashlib
import hmac
import secrets

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

KEY_PREFIX = "cdk"
DEVICE_ADMIN = "care_devices.group_care_device_admin"


def hash_secret(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


class CareApiKey(models.Model):
    """An API key of a device gateway or of a single device.

    The key is shown once when it is generated; only its SHA-256 is stored,
    under a short public prefix that is indexed for lookup. Revoking
    (archiving) a key makes every request with it answer 403, for good: a
    revoked key is never active again (not by a write, ``action_unarchive``
    or ``toggle_active``, not even as superuser), and the events API checks
    the revocation date as well as the active flag.
    """

    _name = "care.device.api.key"
    _inherit = ["care.guard.mixin"]
    _description = "Device API Key"
    _order = "active desc, create_date desc"
    _check_company_auto = True

    name = fields.Char(required=True, help="Which gateway or device uses the key.")
    scope = fields.Selection(
        [
            ("gateway", "Gateway: all devices of the company"),
            ("device", "Listed devices"),
        ],
        required=True,
        default="gateway",
    )
    device_ids = fields.Many2many("care.device", string="Devices", check_company=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    prefix = fields.Char(readonly=True, index=True, copy=False)
    key_hash = fields.Char(readonly=True, copy=False, groups="base.group_system")
    active = fields.Boolean(default=True, readonly=True)
    revoked_date = fields.Datetime(readonly=True)
    revoked_by_id = fields.Many2one("res.users", readonly=True)
    last_used = fields.Datetime(readonly=True)

    # the secret, its lookup prefix and the revocation: set by the actions
    _care_protected_fields = (
        "prefix",
        "key_hash",
        "active",
        "revoked_date",
        "revoked_by_id",
        "last_used",
    )

    _sql_constraints = [
        ("prefix_uniq", "UNIQUE(prefix)", "Two API keys cannot share a prefix."),
        (
            "revoked_is_inactive",
            "CHECK(revoked_date IS NULL OR NOT active)",
            "A revoked API key cannot be active again.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        keys = super().create(vals_list)
        for key in keys:
            if not key.prefix:
                key._set_new_secret()
        return keys

    def write(self, vals):
        if vals.get("active") and any(key.revoked_date for key in self):
            raise UserError(self._revoked_message())
        return super().write(vals)

    def _revoked_message(self):
        return self.env._(
            "A revoked API key cannot be used again; create a new key instead."
        )

    def action_unarchive(self):
        # an archived key is a revoked key
        if any(key.revoked_date or not key.active for key in self.sudo()):
            raise UserError(self._revoked_message())
        return super().action_unarchive()

    def toggle_active(self):
        # an active key toggles to revoked; nothing toggles back
        if any(key.revoked_date or not key.active for key in self.sudo()):
            raise UserError(self._revoked_message())
        return self.action_revoke()

    def action_archive(self):
        # archiving a key is revoking it (with the date and the user)
        return self.action_revoke()

    def _check_device_admin(self):
        if not self.env.user.has_group(DEVICE_ADMIN):
            raise AccessError(
                self.env._("Only device administrators may manage API keys.")
            )
        self.check_access("write")

    def _set_new_secret(self):
        """Give the key a new secret; return the full key (to show once)."""
        self.ensure_one()
        prefix = secrets.token_hex(4)
        secret = secrets.token_urlsafe(24)
        full = f"{KEY_PREFIX}_{prefix}_{secret}"
        self.sudo().write({"prefix": prefix, "key_hash": hash_secret(full)})
        return full

    def action_generate(self):
        """Generate (or regenerate) the key and show it once."""
        self.ensure_one()
        self._check_device_admin()
        if not self.active or self.revoked_date:
            raise UserError(
                self.env._("A revoked key cannot be regenerated; create a new one.")
            )
        full = self._set_new_secret()
        # sudo keeps the caller as the creator, and transient records are
        # private to their creator; only this code writes a secret into one
        wizard = (
            self.env["care.api.key.wizard"]
            .sudo()
            .create({"key_id": self.id, "key": full})
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New API key"),
            "res_model": "care.api.key.wizard",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_revoke(self):
        self._check_device_admin()
        self.sudo().filtered(lambda key: not key.revoked_date).write(
            {
                "active": False,
                "revoked_date": fields.Datetime.now(),
                "revoked_by_id": self.env.uid,
            }
        )
        return True

    @api.model
    def _authenticate(self, full_key):
        """The key record for a presented key, or a reason why not.

        Returns ``(key, None)`` on success, ``(None, 401)`` for a missing or
        unknown key, ``(key, 403)`` for a revoked one. Constant-time compare.
        """
        parts = (full_key or "").strip().split("_", 2)  # the secret may hold "_"
        if len(parts) != 3 or parts[0] != KEY_PREFIX:
            return None, 401
        self.flush_model(["prefix", "key_hash", "active", "revoked_date"])
        self.env.cr.execute(
            "SELECT id, key_hash, active AND revoked_date IS NULL, "
            "last_used < now() AT TIME ZONE 'UTC' "
            "- interval '1 minute' OR last_used IS NULL "
            "FROM care_device_api_key WHERE prefix = %s",
            [parts[1]],
        )
        row = self.env.cr.fetchone()
        if not row or not hmac.compare_digest(
            row[1] or "", hash_secret(full_key.strip())
        ):
            return None, 401
        key = self.browse(row[0])
        if not row[2]:
            return key, 403
        if row[3]:
            key._mark_used()
        return key, None

    def _mark_used(self):
        """Note the key's last use (the caller does it at most once a minute).

        A row another request is marking right now is skipped, not waited
        for: eight senders sharing one gateway key must not queue on it.
        """
        self.ensure_one()
        self.env.cr.execute(
            "UPDATE care_device_api_key SET last_used = now() AT TIME ZONE 'UTC' "
            "WHERE id IN (SELECT id FROM care_device_api_key WHERE id = %s "
            "FOR UPDATE SKIP LOCKED)",
            [self.id],
        )
        self.invalidate_recordset(["last_used"])

    def _allows(self, device):
        self.ensure_one()
        if device.company_id != self.company_id:
            return False
        return self.scope == "gateway" or device in self.device_ids
