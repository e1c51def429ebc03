import copy
import datetime

from odoo import api, fields, models


def drop_empty_required(model, values):
    """Remove the empty cells of required fields from ``values`` (and from its
    one2many lines): a new record takes the field's default, an existing one
    keeps its value, instead of an empty value the database refuses."""
    for fname, value in list(values.items()):
        field = model._fields.get(fname)
        if field is None:
            continue
        if field.type == "one2many" and isinstance(value, list):
            comodel = model.env[field.comodel_name]
            for command in value:
                if command[0] in (0, 1) and isinstance(command[2], dict):
                    drop_empty_required(comodel, command[2])
        elif field.required and field.type != "boolean" and value in (False, None, ""):
            del values[fname]
    return values


class CareImportMixin(models.AbstractModel):
    """Importing a register with Odoo's own import (``load``), strictly.

    A model of the suite that inherits this mixin gets, in the Import screen
    and over ``load()``:

    - no record created from a name: an unknown community, service, category
      or territory is an error of its row, never a new record (Odoo's
      "Create new values" option is ignored);
    - every warning of Odoo's converter is an error (an ambiguous name, a yes /
      no it cannot read): a row is saved as it reads or not at all;
    - the whole file (or the batch of the Import screen) is saved only when no
      row has an error; the errors name their rows (``rows``), in the user's
      language;
    - rows are matched to existing records by a business key
      (``_care_import_key``), so that importing a sheet again updates the same
      records, also when it carries external ids the database does not know
      yet; a one2many's sub-rows are matched to the existing lines
      (``_care_import_line_key``) instead of being added again;
    - dates typed in the common Chinese forms (2024/3/1, 2024.3.1,
      2024年3月1日, 20240301) are read; a date that cannot be read is an error
      of its row, not of the whole file (see ``base_import.import``).

    To extend it to another model: inherit the mixin, give
    ``_care_import_key`` (or override ``_care_import_key_of`` /
    ``_care_import_find``), ``_care_import_line_key`` for its one2many lines,
    ``_care_import_check_access`` when importing needs more than the create
    right, and ``get_import_templates`` for its template.
    """

    _name = "care.import.mixin"
    _description = "Strict import of a register"

    # field whose value identifies a record across imports (e.g. the ID number)
    _care_import_key = None
    # one2many fields whose sub-rows update the existing lines they match
    # (see _care_import_line_key)
    _care_import_line_fields = ()

    # ------------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------------
    @api.model
    def _care_import_check_access(self, fields):
        """Raise when the user may not import these columns."""

    @api.model
    def _care_import_normalize_key(self, value):
        """The key's canonical form, or None when it cannot be read (the row
        is then left to the model's own checks, which refuse it)."""
        value = (value or "").strip() if isinstance(value, str) else value
        return value or None

    @api.model
    def _care_import_key_of(self, values):
        """(company id, key) of a row's values, or None."""
        if not self._care_import_key:
            return None
        key = self._care_import_normalize_key(values.get(self._care_import_key))
        if key is None:
            return None
        return (values.get("company_id") or self.env.company.id, key)

    @api.model
    def _care_import_find(self, keys):
        """{(company id, key): record id} of the existing records."""
        fname = self._care_import_key
        records = (
            self.sudo()
            .with_context(active_test=False)
            .search_fetch(
                [(fname, "in", list({key for _company, key in keys}))],
                [fname, "company_id"],
            )
        )
        return {(record.company_id.id, record[fname]): record.id for record in records}

    @api.model
    def _care_import_key_columns(self, fields):
        """Indexes of the columns holding the key (top level only)."""
        return [i for i, fname in enumerate(fields) if fname == self._care_import_key]

    @api.model
    def _care_import_line_key(self, fname, vals):
        """The key of a one2many sub-row (``vals``) of ``fname``, compared with
        ``_care_import_existing_line_key`` of the existing lines; None: a new line."""
        return None

    def _care_import_existing_line_key(self, fname, line):
        return None

    # ------------------------------------------------------------------
    # load()
    # ------------------------------------------------------------------
    @api.model
    def load(self, fields, data):
        self._care_import_check_access(fields)
        # "Create new values" of the Import screen: never for a register
        self = self.with_context(name_create_enabled_fields={}, care_import_keyed=True)
        messages = self._care_import_precheck(fields, data)
        savepoint = self.env.cr.savepoint()
        result = super().load(fields, data)
        loaded = result["messages"]
        # load() puts the first error of a failed batch first, with the rows of
        # the batch's first record: the row-by-row pass reports it at its row
        if len(loaded) > 1 and any(
            m.get("message") == loaded[0].get("message") for m in loaded[1:]
        ):
            loaded.pop(0)
        for message in result["messages"]:
            if message.get("type") == "warning":
                message["type"] = "error"
        result["messages"] = messages + result["messages"]
        failed = any(m.get("type") == "error" for m in result["messages"])
        if failed and result["ids"]:
            savepoint.close(rollback=True)
            self.pool.reset_changes()
        else:
            savepoint.close(rollback=False)
        if failed:
            result["ids"] = False
        return result

    @api.model
    def _care_import_precheck(self, fields, data):
        """Errors of the whole file that single rows cannot see: the same key
        on two rows. Every row of ``data`` is read (also beyond the batch the
        Import screen asks for), so a repeat in a later batch stops the first."""
        columns = self._care_import_key_columns(fields)
        if not columns:
            return []
        # a row with a value outside the one2many columns starts a record
        top = [
            i
            for i, fname in enumerate(fields)
            if fname
            and getattr(self._fields.get(fname.split("/")[0]), "type", None)
            != "one2many"
        ]
        messages = []
        seen = set()
        record = -1
        for index, row in enumerate(data):
            if any(row[i] for i in top):
                record += 1
            raw = next((row[c] for c in columns if row[c]), None)
            key = self._care_import_normalize_key(raw) if raw else None
            if key is None:
                continue
            if key in seen:
                messages.append(
                    {
                        "type": "error",
                        "rows": {"from": index, "to": index},
                        "record": record,
                        "field": fields[columns[0]],
                        "message": self._care_import_duplicate_message(raw),
                    }
                )
            seen.add(key)
        return messages

    @api.model
    def _care_import_duplicate_message(self, value):
        return self.env._(
            "%(value)s is on more than one row of the file: each record may appear "
            "only once.",
            value=value,
        )

    @api.model
    def _load_records(self, data_list, update=False, ignore_duplicates=False):
        """Rows whose key an existing record has update that record."""
        if not self.env.context.get("care_import_keyed"):
            return super()._load_records(data_list, update, ignore_duplicates)
        # load() tries a batch, then each row again after a failure: work on
        # copies, as create and write change the values they are given
        data_list = [
            dict(data, values=copy.deepcopy(data["values"])) for data in data_list
        ]
        if not self._care_import_key:
            for data in data_list:
                drop_empty_required(self, data["values"])
            return super()._load_records(data_list, update, ignore_duplicates)
        imd = self.env["ir.model.data"].sudo()
        xml_ids = [d["xml_id"] for d in data_list if d.get("xml_id")]
        known = {
            f"{module}.{name}"
            for _id, module, name, *_rest in imd._lookup_xmlids(xml_ids, self)
        }
        pending = []
        for data in data_list:
            drop_empty_required(self, data["values"])
            if data["values"].get("id") or (data.get("xml_id") in known):
                continue
            key = self._care_import_key_of(data["values"])
            if key:
                pending.append((data, key))
        found = (
            self._care_import_find([key for _data, key in pending]) if pending else {}
        )
        if found:  # read the matched records at once (each row compares its values)
            names = {
                fname
                for data, _key in pending
                for fname in data["values"]
                if fname in self._fields and self._fields[fname].store
            }
            self.sudo().browse(found.values()).fetch(names)
        new_xml_ids = []
        for data, key in pending:
            record_id = found.get(key)
            if not record_id:
                continue
            data["values"]["id"] = record_id
            if data.get("xml_id"):
                new_xml_ids.append((data.pop("xml_id"), data))
        records = super()._load_records(data_list, update, ignore_duplicates)
        if new_xml_ids:
            imd._update_xmlids(
                [
                    {
                        "xml_id": xml_id,
                        "record": data["record"],
                        "noupdate": data.get("noupdate", False),
                    }
                    for xml_id, data in new_xml_ids
                ],
                update,
            )
        return records

    def _load_records_write(self, values):
        """Write only what the row changes; a sub-row matching an existing
        line updates it instead of adding another."""
        values = self._care_import_unchanged(dict(values))
        for fname in self._care_import_line_fields:
            commands = values.get(fname)
            if not commands:
                continue
            Line = self.env[self._fields[fname].comodel_name]
            existing = {}
            for line in self[fname]:
                # a hook that the importing models override (None here)
                key = self._care_import_existing_line_key(fname, line)  # pylint: disable=assignment-from-none
                if key is not None:
                    existing.setdefault(key, line)
            rewritten = []
            for command in commands:
                if command[0] == 0:
                    line = existing.pop(
                        self._care_import_line_key(fname, command[2]), None
                    )
                    if line is not None:
                        vals = Line._care_import_prepare(dict(command[2]))
                        vals = self._care_import_drop_same(line, vals)
                        if not vals:
                            continue
                        command = (1, line.id, vals)
                rewritten.append(command)
            if rewritten:
                values[fname] = rewritten
            else:
                del values[fname]
        if values:
            return super()._load_records_write(values)
        return None

    def _care_import_unchanged(self, values):
        """``values`` without the fields the record already has."""
        return self._care_import_drop_same(self, self._care_import_prepare(values))

    @api.model
    def _care_import_prepare(self, values):
        """Normalise ``values`` as create and write would (phone numbers, ID
        numbers), to compare them with the stored ones."""
        return values

    @api.model
    def _care_import_drop_same(self, record, values):
        record = record.sudo()
        for fname, value in list(values.items()):
            field = record._fields.get(fname)
            if field is None or field.type == "one2many":
                continue
            if field.type == "many2many":
                if (
                    isinstance(value, list)
                    and len(value) == 1
                    and value[0][0] == 6
                    and set(value[0][2]) == set(record[fname].ids)
                ):
                    del values[fname]
                continue
            try:
                same = field.convert_to_cache(value, record) == field.convert_to_cache(
                    record[fname], record
                )
            except (ValueError, TypeError):
                same = False
            if same:
                del values[fname]
        return values

    # ------------------------------------------------------------------
    # Dates (used by base_import.import)
    # ------------------------------------------------------------------
    DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")

    @api.model
    def _care_import_parse_date(self, value, user_format=None):
        """``value`` as a server date string, or None when unreadable."""
        value = (value or "").strip()
        for fmt in (user_format, *self.DATE_FORMATS):
            if not fmt:
                continue
            try:
                return fields.Date.to_string(datetime.datetime.strptime(value, fmt))
            except ValueError:
                continue
        return None
