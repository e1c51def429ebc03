from odoo import fields, models


class SmsSms(models.Model):
    """Odoo's queue stays the one way to send: each sms.sms of a suite text
    goes to the provider of its message; Odoo IAP keeps its own path."""

    _inherit = "sms.sms"

    care_message_id = fields.Many2one(
        "care.sms.message", "Suite text", index="btree_not_null", ondelete="set null"
    )
    failure_type = fields.Selection(
        selection_add=[
            ("care_free_text", "Free text refused (templates only)"),
            ("care_provider", "Refused by the SMS provider"),
        ],
        ondelete={"care_free_text": "set null", "care_provider": "set null"},
    )

    def _send(self, unlink_failed=False, unlink_sent=True, raise_exception=False):
        provider = self.env["care.sms.message"]._care_provider()
        suite = self.filtered(
            lambda sms: sms.care_message_id and sms.care_message_id.provider != "iap"
        )
        # free text goes through IAP only: the Chinese providers (and the test
        # one, which stands for them) deliver approved templates only
        free = (self - suite).filtered(lambda sms: not sms.care_message_id)
        iap = self - suite
        if provider != "iap":
            iap -= free
            free._update_sms_state_and_trackers("error", failure_type="care_free_text")
            free.mail_message_id._notify_message_notification_update()
        if iap:
            super(SmsSms, iap)._send(
                unlink_failed=unlink_failed,
                unlink_sent=unlink_sent,
                raise_exception=raise_exception,
            )
            iap._care_sync_iap()
        if suite:
            suite._care_send_suite(unlink_failed, unlink_sent)
        return None

    def _care_sync_iap(self):
        """The state of IAP's answer onto the suite's messages."""
        for sms in self.exists().filtered("care_message_id"):
            message = sms.care_message_id.sudo()
            if sms.state in ("process", "pending", "sent"):
                message.write(
                    {
                        "state": "sent",
                        "attempts": message.attempts + 1,
                        "sent_date": fields.Datetime.now(),
                        # IAP's delivery reports (/sms/status) name the uuid
                        "provider_ref": sms.uuid,
                    }
                )
            elif sms.state == "error":
                message.write(
                    {
                        "state": "failed",
                        "attempts": message.attempts + 1,
                        "reason": sms.failure_type or "unknown",
                    }
                )

    def _care_send_suite(self, unlink_failed, unlink_sent):
        results = self.care_message_id._care_deliver()
        done = self.filtered(lambda sms: results.get(sms.care_message_id.id) is None)
        failed = self - done
        done.sudo()._update_sms_state_and_trackers("pending")
        failed.sudo()._update_sms_state_and_trackers(
            "error", failure_type="care_provider"
        )
        if unlink_sent:
            done.sudo().to_delete = True
        if unlink_failed:
            failed.sudo().to_delete = True
        self.mail_message_id._notify_message_notification_update()
