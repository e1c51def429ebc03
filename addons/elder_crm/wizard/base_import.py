from odoo import models


class BaseImport(models.TransientModel):
    _inherit = "base_import.import"

    def _parse_date_from_data(self, data, index, name, field_type, options):
        """For the suite's registers, dates in the common Chinese forms are
        read, and a date that cannot be read is left to the row's own
        conversion: it becomes an error of that row (with its row number),
        not one error for the whole file at the first bad date."""
        model = self.env[self.res_model]
        if field_type != "date" or not hasattr(model, "_care_import_parse_date"):
            return super()._parse_date_from_data(data, index, name, field_type, options)
        user_format = options.get("date_format")
        for line in data:
            value = line[index]
            if value:
                line[index] = model._care_import_parse_date(value, user_format) or value
        return data
