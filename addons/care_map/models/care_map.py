"""The map's data: what is on the screen, read under the caller's rules.

The client sends the box it shows (in the base map's datum) and the layers
it wants; each layer is one query on the PostGIS GiST index of its points,
built from the ORM's own search (record rules included), at most
``MAX_POINTS`` points, else grid clusters (counts) so that a city of
100,000 elders answers as fast as a street."""

from odoo import api, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from odoo.addons.elder_crm.tools import geo

DISPATCHER = "elder_crm.group_care_dispatcher"
DESK = "elder_crm.group_care_emergency"
MANAGER = "elder_crm.group_care_manager"
MAX_POINTS = 2000
GRID_CELLS = 24  # cluster cells across the box's width
# the datum each base map draws in (Tianditu's CGCS2000 is within a few
# centimetres of WGS-84 at map scales)
DATUMS = {"amap": "gcj02", "tianditu": "wgs84", "osm": "wgs84", "none": "wgs84"}
LEVEL_COLORS = {
    "0": "#2e7d32",
    "1": "#7cb342",
    "2": "#f9a825",
    "3": "#ef6c00",
    "4": "#c62828",
}
URGENCY_COLORS = {"normal": "#ffffff", "urgent": "#ff9800", "emergency": "#d50000"}


class CareMap(models.AbstractModel):
    _name = "care.map"
    _description = "Care map"

    # ------------------------------------------------------------------
    # Who sees what
    # ------------------------------------------------------------------
    @api.model
    def _care_map_layer_groups(self):
        """Layer name -> (label, groups that see it); glue modules add theirs."""
        return {
            "elders": (self.env._("Elders' homes"), (DISPATCHER, DESK)),
            "orders": (self.env._("Open service orders"), (DISPATCHER,)),
            "workers": (self.env._("Workers' last check-in"), (DISPATCHER,)),
        }

    @api.model
    def _care_map_allowed(self):
        user = self.env.user
        return {
            name: label
            for name, (label, groups) in self._care_map_layer_groups().items()
            if any(user.has_group(group) for group in groups)
        }

    @api.model
    def _care_map_check(self):
        allowed = self._care_map_allowed()
        if not allowed:
            raise AccessError(
                self.env._("The map is for dispatchers and the emergency desk.")
            )
        return allowed

    @api.model
    def _care_map_datum(self):
        source = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("care_map.tile_source", "amap")
        )
        if source not in DATUMS:
            source = "amap"
        return source, DATUMS[source]

    # ------------------------------------------------------------------
    # Public API (JSON-RPC from the map, XML-RPC for scripts)
    # ------------------------------------------------------------------
    @api.model
    @api.readonly
    def get_map_config(self):
        """The base map, the layers the caller may see, the filters and
        where to start."""
        allowed = self._care_map_check()
        source, datum = self._care_map_datum()
        key = ""
        if source == "tianditu":
            key = (
                self.env["ir.config_parameter"]
                .sudo()
                .get_param("care_map.tianditu_key")
                or ""
            )
        extent = self._care_map_extent()
        if extent and datum == "gcj02":
            south, west = geo.wgs84_to_gcj02(extent[1], extent[0])
            north, east = geo.wgs84_to_gcj02(extent[3], extent[2])
            extent = [west, south, east, north]
        filters = {}
        if "orders" in allowed:
            stages = self.env["fsm.stage"].search(
                [("stage_type", "=", "order"), ("is_closed", "=", False)]
            )
            filters["stages"] = [
                {"id": s.id, "name": s.name, "color": s.custom_color or "#90a4ae"}
                for s in stages
            ]
            urgency = self.env["fsm.order"]._fields["care_urgency"]
            filters["urgencies"] = [
                {"id": key_, "name": label, "color": URGENCY_COLORS.get(key_)}
                for key_, label in urgency._description_selection(self.env)
            ]
        if "elders" in allowed:
            level = self.env["care.elder"]._fields["gbt_level"]
            filters["levels"] = [
                {"id": key_, "name": label, "color": LEVEL_COLORS.get(key_, "#607d8b")}
                for key_, label in level._description_selection(self.env)
            ]
        return {
            "tile_source": source,
            "datum": datum,
            "tianditu_key": key,
            # where the homes are (else Tiananmen, the map's origin of China)
            "extent": extent,
            "center": [(extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2]
            if extent
            else [116.397, 39.909],
            "layers": [{"id": name, "name": label} for name, label in allowed.items()],
            "filters": filters,
            "can_place": self.env.user.has_group(MANAGER),
        }

    @api.model
    @api.readonly
    def get_map_data(self, bbox, layers=None, filters=None):
        """Points (or clusters) of each requested layer inside ``bbox``
        ([min lon, min lat, max lon, max lat] in the base map's datum)."""
        allowed = self._care_map_check()
        layers = list(allowed) if layers is None else layers
        if not isinstance(layers, list) or not all(isinstance(n, str) for n in layers):
            raise UserError(self.env._("Layers are given as a list of names."))
        refused = [name for name in layers if name not in allowed]
        if refused:
            raise AccessError(
                self.env._(
                    "You may not see these map layers: %(layers)s",
                    layers=", ".join(refused),
                )
            )
        filters = filters if isinstance(filters, dict) else {}
        _source, datum = self._care_map_datum()
        self.env.flush_all()  # the layers read in SQL
        envelope = self._care_map_envelope(bbox, datum)
        result = {}
        for name in layers:
            layer_filter = filters.get(name)
            layer = getattr(self, f"_care_map_{name}")(
                envelope, layer_filter if isinstance(layer_filter, dict) else {}
            )
            if datum == "gcj02":
                for item in layer["features"] + layer["clusters"]:
                    item["lat"], item["lon"] = geo.wgs84_to_gcj02(
                        item["lat"], item["lon"]
                    )
            result[name] = layer
        return result

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    @api.model
    def _care_map_envelope(self, bbox, datum):
        if (
            not isinstance(bbox, list | tuple)
            or len(bbox) != 4
            or not all(
                isinstance(v, int | float) and not isinstance(v, bool) for v in bbox
            )
        ):
            raise UserError(
                self.env._(
                    "The map box is [min longitude, min latitude, max longitude, "
                    "max latitude]."
                )
            )
        west, south, east, north = (float(v) for v in bbox)
        if not (west < east and south < north):
            raise UserError(self.env._("The map box is empty."))
        west, east = max(west, -180.0), min(east, 180.0)
        south, north = max(south, -90.0), min(north, 90.0)
        if datum == "gcj02":
            # GCJ-02 shifts by well under 0.01 degree: widen, then convert
            south, west = geo.gcj02_to_wgs84(south, west)
            north, east = geo.gcj02_to_wgs84(north, east)
            west, south, east, north = (
                west - 0.01,
                south - 0.01,
                east + 0.01,
                north + 0.01,
            )
        return west, south, east, north

    @api.model
    def _care_map_extent(self):
        """[west, south, east, north] of (a sample of) the elders' homes."""
        if not self.env["care.elder"].has_access("read"):
            return None
        query = self.env["care.elder"]._search([])
        point = SQL.identifier(query.table, "care_home_point")
        query.add_where(SQL("%s IS NOT NULL", point))
        query.limit = 1000
        self.env.cr.execute(
            SQL(
                "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) "
                "FROM (SELECT ST_Extent(p) e FROM (%s) s) t",
                query.select(SQL("%s AS p", point)),
            )
        )
        row = self.env.cr.fetchone()
        return list(row) if row and row[0] is not None else None

    @api.model
    def _care_map_query(self, model, domain, envelope, locate, columns):
        """Search ``model`` on ``domain`` (the caller's record rules apply)
        inside the box: ``locate(query)`` gives the point's SQL (adding its
        joins), ``columns(query)`` the extra columns. Returns (rows of
        (id, lon, lat, *columns), clusters, total): the rows when there are
        at most MAX_POINTS, else grid clusters (counts)."""
        west, south, east, north = envelope
        box = SQL("ST_MakeEnvelope(%s, %s, %s, %s, 4326)", west, south, east, north)
        query = self.env[model]._search(domain)
        point = locate(query)
        query.add_where(SQL("%s && %s", point, box))
        query.limit = MAX_POINTS + 1
        query.order = None  # any MAX_POINTS + 1 rows tell whether to cluster
        self.env.cr.execute(
            query.select(
                SQL.identifier(query.table, "id"),
                SQL("ST_X(%s)", point),
                SQL("ST_Y(%s)", point),
                *columns(query),
            )
        )
        rows = self.env.cr.fetchall()
        if len(rows) <= MAX_POINTS:
            return rows, [], len(rows)
        # the counts: the same search without the archive's join (the
        # points' own filters and rules still apply), one aggregate over the
        # box, which JIT compiling would only slow down
        query = self.env[model].with_context(active_test=False)._search(domain)
        point = locate(query)
        query.add_where(SQL("%s && %s", point, box))
        cell = (east - west) / GRID_CELLS
        self.env.cr.execute("SET LOCAL jit = off")
        self.env.cr.execute(
            SQL(
                "SELECT count(*), avg(ST_X(%(p)s)), avg(ST_Y(%(p)s)) "
                "FROM %(from)s WHERE %(where)s "
                "GROUP BY floor(ST_X(%(p)s) / %(cell)s), floor(ST_Y(%(p)s) / %(cell)s)",
                p=point,
                cell=cell,
                **{"from": query.from_clause, "where": query.where_clause},
            )
        )
        clusters = [
            {"count": count, "lon": lon, "lat": lat}
            for count, lon, lat in self.env.cr.fetchall()
        ]
        return [], clusters, sum(c["count"] for c in clusters)

    @staticmethod
    def _care_map_int_list(values):
        if not isinstance(values, list):
            return []
        return [v for v in values if isinstance(v, int) and not isinstance(v, bool)]

    @staticmethod
    def _care_map_str_list(values):
        if not isinstance(values, list):
            return []
        return [v for v in values if isinstance(v, str)]

    # ------------------------------------------------------------------
    # Layers
    # ------------------------------------------------------------------
    @api.model
    def _care_map_elders(self, envelope, filters):
        domain = [("state", "in", ("active", "suspended"))]
        levels = self._care_map_str_list(filters.get("levels"))
        if levels:
            domain.append(("gbt_level", "in", levels))
        Elder = self.env["care.elder"]

        def columns(query):
            partner = query.join(
                query.table, "partner_id", "res_partner", "id", "care_map_partner"
            )
            return [
                SQL.identifier(partner, "name"),
                SQL.identifier(query.table, "gbt_level"),
                SQL.identifier(partner, "street"),
            ]

        rows, clusters, total = self._care_map_query(
            "care.elder",
            domain,
            envelope,
            lambda query: SQL.identifier(query.table, "care_home_point"),
            columns,
        )
        levels_label = dict(Elder._fields["gbt_level"]._description_selection(self.env))
        features = [
            {
                "id": id_,
                "lon": lon,
                "lat": lat,
                "model": "care.elder",
                "name": name,
                "info": ", ".join(
                    v for v in (levels_label.get(level) or "", street or "") if v
                ),
                "color": LEVEL_COLORS.get(level, "#607d8b"),
            }
            for id_, lon, lat, name, level, street in rows
        ]
        return {"features": features, "clusters": clusters, "total": total}

    @api.model
    def _care_map_orders(self, envelope, filters):
        domain = [("stage_id.is_closed", "=", False), ("care_elder_id", "!=", False)]
        stages = self._care_map_int_list(filters.get("stage_ids"))
        if stages:
            domain.append(("stage_id", "in", stages))
        urgencies = self._care_map_str_list(filters.get("urgencies"))
        if urgencies:
            domain.append(("care_urgency", "in", urgencies))
        Order = self.env["fsm.order"]

        def locate(query):
            elder = query.join(
                query.table, "care_elder_id", "care_elder", "id", "care_map_elder"
            )
            return SQL.identifier(elder, "care_home_point")

        rows, clusters, total = self._care_map_query(
            "fsm.order",
            domain,
            envelope,
            locate,
            lambda query: [
                SQL.identifier(query.table, name)
                for name in ("name", "stage_id", "care_urgency", "care_category_id")
            ],
        )
        stages = self.env["fsm.stage"].browse({row[4] for row in rows})
        stage_info = {
            s.id: (s.name, s.custom_color or "#90a4ae") for s in stages.sudo()
        }
        categories = self.env["care.service.category"].browse(
            {row[6] for row in rows if row[6]}
        )
        category_name = {c.id: c.name for c in categories.sudo()}
        urgency_label = dict(
            Order._fields["care_urgency"]._description_selection(self.env)
        )
        features = [
            {
                "id": id_,
                "lon": lon,
                "lat": lat,
                "model": "fsm.order",
                "name": name,
                "info": " · ".join(
                    v
                    for v in (
                        category_name.get(category),
                        stage_info.get(stage, ("", ""))[0],
                        urgency_label.get(urgency),
                    )
                    if v
                ),
                "color": stage_info.get(stage, ("", "#90a4ae"))[1],
                "stroke": URGENCY_COLORS.get(urgency, "#ffffff"),
                "urgency": urgency,
            }
            for id_, lon, lat, name, stage, urgency, category in rows
        ]
        return {"features": features, "clusters": clusters, "total": total}

    @api.model
    def _care_map_workers(self, envelope, filters):
        domain = []
        providers = self._care_map_int_list(filters.get("provider_ids"))
        if providers:
            domain.append(("care_provider_id", "in", providers))

        def columns(query):
            partner = query.join(
                query.table, "partner_id", "res_partner", "id", "care_map_partner"
            )
            return [
                SQL.identifier(partner, "name"),
                SQL.identifier(query.table, "care_last_seen_at"),
            ]

        rows, clusters, total = self._care_map_query(
            "fsm.person",
            domain,
            envelope,
            lambda query: SQL.identifier(query.table, "care_last_point"),
            columns,
        )
        features = [
            {
                "id": id_,
                "lon": lon,
                "lat": lat,
                "model": "fsm.person",
                "name": name,
                "seen_at": seen_at and seen_at.isoformat(sep=" ", timespec="seconds"),
                "info": "",
                "color": "#6a1b9a",
            }
            for id_, lon, lat, name, seen_at in rows
        ]
        return {"features": features, "clusters": clusters, "total": total}
