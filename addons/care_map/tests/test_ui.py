"""The map opens in a real browser for each role, with that role's layers,
and a click on a point opens its record. No network: no base map tiles."""

from odoo.tests import HttpCase, tagged

from .test_map import HOME, MapCase

# a boolean: Chrome serialising a DOM element back hangs the test
READY = "!!document.querySelector('.o_care_map[data-loaded=\"1\"]')"

# checks the layers in the panel, their counts, then clicks the first point
# of LAYER on the OpenLayers map and opens its record
CHECK = """
(async () => {
    const expected = %(layers)s;
    const shown = [...document.querySelectorAll('.o_care_map_layer')].map(
        (el) => el.dataset.layer);
    if (JSON.stringify(shown) !== JSON.stringify(expected)) {
        throw new Error('layers: ' + JSON.stringify(shown));
    }
    const count = document.querySelector(
        '.o_care_map_layer[data-layer="%(layer)s"] .o_care_map_count').textContent;
    if (!(parseInt(count) > 0)) {
        throw new Error('no %(layer)s drawn: ' + count);
    }
    const map = document.querySelector('.o_care_map_canvas').olMap;
    const vector = map.getLayers().getArray().find((l) => l.get('careLayer') === '%(layer)s');
    const feature = vector.getSource().getFeatures().find((f) => f.get('id') === %(id)s);
    if (!feature) {
        throw new Error('record %(id)s is not on the map');
    }
    const coordinate = feature.getGeometry().getCoordinates();
    map.dispatchEvent({type: 'singleclick', coordinate,
                       pixel: map.getPixelFromCoordinate(coordinate)});
    const wait = async (selector) => {
        for (let i = 0; i < 100; i++) {
            const el = document.querySelector(selector);
            if (el) { return el; }
            await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error('not found: ' + selector);
    };
    (await wait('.o_care_map_open')).click();
    await wait('.o_form_view');
    for (let i = 0; i < 100 && !location.pathname.endsWith('/%(id)s'); i++) {
        await new Promise((r) => setTimeout(r, 100));
    }
    if (!location.pathname.endsWith('/%(id)s')) {
        throw new Error('opened ' + location.pathname);
    }
    console.log('test successful');
})();
"""


@tagged("post_install", "-at_install")
class TestMapInBrowser(MapCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("care_map.tile_source", "none")

    def open_map(self, user, layers, layer, record):
        self.browser_js(
            "/odoo/action-care_map.action_care_map",
            CHECK % {"layers": layers, "layer": layer, "id": record.id},
            ready=READY,
            login=user.login,
        )

    def test_dispatcher_sees_homes_orders_and_workers(self):
        order = self.make_order()
        self.open_map(self.agent, ["elders", "orders", "workers"], "orders", order)

    def test_desk_sees_homes(self):
        self.assertAlmostEqual(self.elder.care_home_point.y, HOME[0], places=6)
        layers = [
            layer["id"]
            for layer in self.Map.with_user(self.desk).get_map_config()["layers"]
        ]
        self.open_map(self.desk, layers, "elders", self.elder)

    def test_settings_show_the_base_map(self):
        self.browser_js(
            "/odoo/settings#elder_crm",
            "console.log('test successful')",
            ready="!!document.querySelector('#care_map_tiles')",
            login="admin",
        )
