"""Positions on the earth, the way the suite stores and shows them.

The suite stores WGS-84 (what phones and wearables report). Chinese base
maps (AMap, Tencent) draw in GCJ-02, the obfuscated datum of the national
surveying rules: a WGS-84 point drawn on them lands a few hundred metres off.
``wgs84_to_gcj02`` is the published forward transform (Krasovsky 1940
ellipsoid parameters); ``gcj02_to_wgs84`` inverts it by fixed-point
iteration to well under a metre. Outside mainland China GCJ-02 equals WGS-84.
"""

import math

EARTH_RADIUS_M = 6371008.8  # mean radius (IUGG), for distances
_A = 6378245.0  # Krasovsky 1940 semi-major axis, used by GCJ-02
_EE = 0.00669342162296594323  # its first eccentricity squared


def valid(latitude, longitude):
    """A position a device can report: on the earth and not the (0, 0)
    that broken GPS chips and empty forms send."""
    if latitude is None or longitude is None:
        return False
    try:
        latitude, longitude = float(latitude), float(longitude)
    except (TypeError, ValueError):
        return False
    if math.isnan(latitude) or math.isnan(longitude):
        return False
    if not (-90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0):
        return False
    return not (latitude == 0.0 and longitude == 0.0)


def distance_m(lat1, lon1, lat2, lon2):
    """Great-circle (haversine) distance in metres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    h = (
        math.sin(dphi / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def out_of_china(latitude, longitude):
    """The rectangle where GCJ-02 applies (as the published transform)."""
    return not (72.004 <= longitude <= 137.8347 and 0.8293 <= latitude <= 55.8271)


def _delta(latitude, longitude):
    x, y = longitude - 105.0, latitude - 35.0
    root = math.sqrt(abs(x))
    common = (
        (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi))
        * 2.0
        / 3.0
    )
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * root
    dlat += common
    dlat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2 / 3
    dlat += (
        (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0))
        * 2.0
        / 3.0
    )
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * root
    dlon += common
    dlon += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2 / 3
    dlon += (
        (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi))
        * 2.0
        / 3.0
    )
    rad = latitude / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * math.cos(rad) * math.pi)
    return dlat, dlon


def wgs84_to_gcj02(latitude, longitude):
    """(lat, lon) in GCJ-02 of a WGS-84 position."""
    if out_of_china(latitude, longitude):
        return latitude, longitude
    dlat, dlon = _delta(latitude, longitude)
    return latitude + dlat, longitude + dlon


def gcj02_to_wgs84(latitude, longitude, tolerance=1e-9, rounds=30):
    """(lat, lon) in WGS-84 of a GCJ-02 position: the WGS-84 point whose
    forward transform is the given one, found by fixed-point iteration."""
    if out_of_china(latitude, longitude):
        return latitude, longitude
    wlat, wlon = latitude, longitude
    for _round in range(rounds):
        glat, glon = wgs84_to_gcj02(wlat, wlon)
        dlat, dlon = glat - latitude, glon - longitude
        wlat, wlon = wlat - dlat, wlon - dlon
        if abs(dlat) < tolerance and abs(dlon) < tolerance:
            break
    return wlat, wlon
