def migrate(cr, version):
    """Letters sent before 18.0.1.1.0 had their PDF attached when sent."""
    cr.execute(
        "UPDATE care_family_letter SET pdf_archived = true "
        "WHERE state = 'sent' AND pdf_archived IS NOT true"
    )
