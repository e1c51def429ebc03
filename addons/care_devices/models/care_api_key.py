import hashlib
import hmac
import secrets

from odoo import _, api, fields, models
from odoo.exceptions import UserError

KEY_PREFIX = "cdk"


def hash_secret(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


class CareApiKey(models.Model):
    """An API key of a device gateway or of a single device.

    The key is shown once when it is generated; only its SHA-256 is stored,
    under a short public prefix that is indexed for lookup. Revoking
    (archiving) a key makes every request with it answer 403.
    """

    _name = "care.device.api.key"
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

    _sql_constraints = [
        ("prefix_uniq", "UNIQUE(prefix)", "Two API keys cannot share a prefix."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        keys = super().create(vals_list)
        for key in keys:
            if not key.prefix:
                key._set_new_secret()
        return keys

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
        if not self.active:
            raise UserError(_("A revoked key cannot be regenerated; create a new one."))
        full = self._set_new_secret()
        wizard = self.env["care.api.key.wizard"].create(
            {"key_id": self.id, "key": full}
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("New API key"),
            "res_model": "care.api.key.wizard",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_revoke(self):
        self.write(
            {
                "active": False,
                "revoked_date": fields.Datetime.now(),
                "revoked_by_id": self.env.uid,
            }
        )

    @api.model
    def _authenticate(self, full_key):
        """The key record for a presented key, or a reason why not.

        Returns ``(key, None)`` on success, ``(None, 401)`` for a missing or
        unknown key, ``(key, 403)`` for a revoked one. Constant-time compare.
        """
        parts = (full_key or "").strip().split("_", 2)  # the secret may hold "_"
        if len(parts) != 3 or parts[0] != KEY_PREFIX:
            return None, 401
        self.flush_model(["prefix", "key_hash", "active"])
        self.env.cr.execute(
            "SELECT id, key_hash, active, last_used < now() AT TIME ZONE 'UTC' "
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
