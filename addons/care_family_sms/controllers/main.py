"""The link of a texted portal invitation: a short address (providers cap
the length of a parameter) that sends the member to Odoo's sign-up page to
choose a password. The random key in it is the only credential: it works
for a few days and only until the member's first log-in."""

from odoo.http import Controller, request, route


class CareFamilyInvite(Controller):
    @route(
        "/my/invite/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
    )
    def care_family_invite(self, token, **kw):
        line = request.env["care.family.access"]._care_invite_line(token)
        if not line:
            return request.not_found()
        partner = line.partner_id.sudo()
        url = partner._get_signup_url_for_action()[partner.id]
        return request.redirect(url, local=False)
