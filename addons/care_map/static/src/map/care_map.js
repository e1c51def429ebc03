/** @odoo-module **/
import {Component, onMounted, onWillStart, onWillUnmount, useRef, useState} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {loadJS} from "@web/core/assets";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";

const OL_JS = "/base_geoengine/static/lib/ol-10.5.0/ol.js";
const SHAPES = {elders: 0, orders: 0, workers: 4, alarms: 3};
const REFRESH_MS = 30000; // new alarms, orders and check-ins appear by themselves

/**
 * The care map: one OpenLayers map with a vector layer per data layer
 * (elders' homes, open orders, workers, alarms). The server sends what is
 * inside the view (or clusters); positions arrive in the base map's datum.
 */
export class CareMap extends Component {
    static template = "care_map.Map";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.notification = useService("notification");
        this.mapRef = useRef("map");
        this.state = useState({
            config: null,
            visible: {},
            totals: {},
            clustered: {},
            filters: {stage_ids: [], urgencies: [], levels: []},
            selected: null,
            placing: false,
            loading: false,
            loaded: false,
        });
        this.request = 0;
        onWillStart(async () => {
            await loadJS(OL_JS);
            const config = await this.orm.call("care.map", "get_map_config", []);
            for (const layer of config.layers) {
                this.state.visible[layer.id] = true;
            }
            this.state.config = config;
        });
        onMounted(() => {
            this.setupMap();
            this.refresher = setInterval(() => {
                if (!document.hidden && !this.state.loading) {
                    this.load();
                }
            }, REFRESH_MS);
        });
        onWillUnmount(() => {
            clearTimeout(this.timer);
            clearInterval(this.refresher);
            if (this.map) {
                this.map.setTarget(null);
            }
        });
    }

    get layers() {
        return this.state.config.layers;
    }

    // ------------------------------------------------------------------
    // Map
    // ------------------------------------------------------------------
    baseLayer() {
        const ol = window.ol;
        const config = this.state.config;
        if (config.tile_source === "amap") {
            return new ol.layer.Tile({
                source: new ol.source.XYZ({
                    url:
                        "https://webrd0{1-4}.is.autonavi.com/appmaptile?lang=zh_cn&size=1" +
                        "&scale=1&style=8&x={x}&y={y}&z={z}",
                    attributions: "© AMap 高德地图",
                }),
            });
        }
        if (config.tile_source === "osm") {
            return new ol.layer.Tile({source: new ol.source.OSM()});
        }
        if (config.tile_source === "tianditu" && config.tianditu_key) {
            const url = (layer) =>
                `https://t{0-7}.tianditu.gov.cn/${layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile` +
                `&VERSION=1.0.0&LAYER=${layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles` +
                `&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${encodeURIComponent(config.tianditu_key)}`;
            return new ol.layer.Group({
                layers: [
                    new ol.layer.Tile({source: new ol.source.XYZ({url: url("vec"), attributions: "© 天地图"})}),
                    new ol.layer.Tile({source: new ol.source.XYZ({url: url("cva")})}),
                ],
            });
        }
        return null;
    }

    setupMap() {
        const ol = window.ol;
        const config = this.state.config;
        this.sources = {};
        this.vectors = {};
        const layers = [];
        const base = this.baseLayer();
        if (base) {
            layers.push(base);
        }
        for (const layer of this.layers) {
            const source = new ol.source.Vector();
            const vector = new ol.layer.Vector({
                source,
                style: (feature) => this.style(layer.id, feature),
            });
            vector.set("careLayer", layer.id);
            this.sources[layer.id] = source;
            this.vectors[layer.id] = vector;
            layers.push(vector);
        }
        this.map = new ol.Map({
            target: this.mapRef.el,
            layers,
            view: new ol.View({center: ol.proj.fromLonLat(config.center), zoom: 12}),
        });
        if (config.extent) {
            const extent = ol.proj.transformExtent(config.extent, "EPSG:4326", "EPSG:3857");
            this.map.getView().fit(extent, {padding: [40, 40, 40, 40], maxZoom: 16});
        }
        this.map.on("moveend", () => this.scheduleLoad());
        // without base map tiles OpenLayers may not end a first move: load now
        this.scheduleLoad();
        this.map.on("singleclick", (ev) => this.onClick(ev));
        // the OpenLayers map, for the browser tests and the console
        this.mapRef.el.olMap = this.map;
    }

    style(layerId, feature) {
        const ol = window.ol;
        const count = feature.get("count");
        if (count) {
            const radius = Math.min(30, 10 + Math.log10(count) * 7);
            return new ol.style.Style({
                image: new ol.style.Circle({
                    radius,
                    fill: new ol.style.Fill({color: "rgba(33, 150, 243, 0.55)"}),
                    stroke: new ol.style.Stroke({color: "#0d47a1", width: 1}),
                }),
                text: new ol.style.Text({
                    text: String(count),
                    fill: new ol.style.Fill({color: "#fff"}),
                    font: "bold 12px sans-serif",
                }),
            });
        }
        const fill = new ol.style.Fill({color: feature.get("color") || "#607d8b"});
        const stroke = new ol.style.Stroke({
            color: feature.get("stroke") || "#263238",
            width: feature.get("urgency") && feature.get("urgency") !== "normal" ? 3 : 1,
        });
        const radius = {elders: 5, orders: 8, workers: 8, alarms: 11}[layerId] || 6;
        const points = SHAPES[layerId] || 0;
        const image = points
            ? new ol.style.RegularShape({fill, stroke, points, radius, angle: points === 4 ? Math.PI / 4 : 0})
            : new ol.style.Circle({fill, stroke, radius});
        return new ol.style.Style({image, zIndex: {elders: 1, orders: 2, workers: 3, alarms: 4}[layerId]});
    }

    scheduleLoad() {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.load(), 200);
    }

    async load() {
        const ol = window.ol;
        if (!this.map) {
            return;
        }
        if (!this.map.getSize()) {
            this.map.updateSize();
        }
        const extent = this.map.getView().calculateExtent(this.map.getSize());
        const bbox = ol.proj.transformExtent(extent, "EPSG:3857", "EPSG:4326");
        const wanted = this.layers.map((l) => l.id).filter((id) => this.state.visible[id]);
        const request = ++this.request;
        this.state.loading = true;
        let data = {};
        try {
            data = wanted.length
                ? await this.orm.call("care.map", "get_map_data", [bbox], {
                      layers: wanted,
                      filters: this.layerFilters(),
                  })
                : {};
        } finally {
            if (request === this.request) {
                this.state.loading = false;
            }
        }
        if (request !== this.request) {
            return; // a newer view is on its way
        }
        for (const layer of this.layers) {
            const source = this.sources[layer.id];
            source.clear(true);
            const part = data[layer.id];
            this.state.totals[layer.id] = part ? part.total : 0;
            this.state.clustered[layer.id] = Boolean(part && part.clusters.length);
            if (!part) {
                continue;
            }
            const features = [...part.features, ...part.clusters].map((item) => {
                const feature = new ol.Feature({
                    geometry: new ol.geom.Point(ol.proj.fromLonLat([item.lon, item.lat])),
                });
                feature.setProperties({...item, layer: layer.id});
                return feature;
            });
            source.addFeatures(features);
        }
        this.state.loaded = true;
    }

    layerFilters() {
        const f = this.state.filters;
        return {
            orders: {stage_ids: [...f.stage_ids], urgencies: [...f.urgencies]},
            elders: {levels: [...f.levels]},
        };
    }

    async onClick(ev) {
        const ol = window.ol;
        if (this.state.placing && this.state.selected) {
            const [lon, lat] = ol.proj.toLonLat(ev.coordinate);
            this.state.placing = false; // one click places, even when refused
            await this.orm.call("care.elder", "action_care_place_home", [
                [this.state.selected.id],
                lat,
                lon,
                this.state.config.datum,
            ]);
            this.notification.add(_t("The home is placed."), {type: "success"});
            this.load();
            return;
        }
        const feature = this.map.forEachFeatureAtPixel(ev.pixel, (f) => f, {hitTolerance: 4});
        if (!feature) {
            this.state.selected = null;
            return;
        }
        if (feature.get("count")) {
            const view = this.map.getView();
            view.animate({center: feature.getGeometry().getCoordinates(), zoom: view.getZoom() + 2});
            return;
        }
        this.state.selected = {...feature.getProperties(), geometry: undefined};
    }

    // ------------------------------------------------------------------
    // Panel
    // ------------------------------------------------------------------
    toggleLayer(id) {
        this.state.visible[id] = !this.state.visible[id];
        this.vectors[id].setVisible(this.state.visible[id]);
        this.load();
    }

    toggleFilter(kind, value) {
        const list = this.state.filters[kind];
        const index = list.indexOf(value);
        if (index >= 0) {
            list.splice(index, 1);
        } else {
            list.push(value);
        }
        this.load();
    }

    openSelected() {
        const selected = this.state.selected;
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: selected.model,
            res_id: selected.id,
            views: [[false, "form"]],
            target: "current",
        });
    }

    startPlacing() {
        this.state.placing = true;
        this.notification.add(_t("Click the elder's home on the map."), {type: "info"});
    }
}

registry.category("actions").add("care_map.map", CareMap);
