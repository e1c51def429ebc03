"""Entitlements approved before 18.0.1.1.0 get the basis finance approved:
the elder's subsidy categories and ability level of the upgrade (issuance
paid from those until now), confirmed by whoever approved them."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        INSERT INTO care_voucher_entitlement_basis_category_rel
               (entitlement_id, category_id)
        SELECT e.id, r.care_subsidy_category_id
          FROM care_voucher_entitlement e
          JOIN care_elder_care_subsidy_category_rel r ON r.care_elder_id = e.elder_id
         WHERE e.state != 'applied' AND e.basis_confirmed_on IS NULL
        ON CONFLICT DO NOTHING
        """
    )
    cr.execute(
        """
        UPDATE care_voucher_entitlement e
           SET basis_gbt_level = el.gbt_level,
               basis_confirmed_by_id = e.approved_by_id,
               basis_confirmed_on = COALESCE(e.approved_on, e.create_date)
          FROM care_elder el
         WHERE el.id = e.elder_id
           AND e.state != 'applied'
           AND e.basis_confirmed_on IS NULL
        """
    )
    env = api.Environment(cr, SUPERUSER_ID, {})
    entitlements = (
        env["care.voucher.entitlement"].with_context(active_test=False).search([])
    )
    entitlements.invalidate_recordset()
    env.add_to_compute(entitlements._fields["basis_to_review"], entitlements)
    env.flush_all()
