"""Distances on the Earth, in Python and as SQL that both engines evaluate with arithmetic alone (SQLite
may be built without its mathematical functions): a box around a point that an index on latitude and
longitude answers, and the squared distance in degrees that orders and limits what the box holds.

The SQL distance is the equirectangular one, with the cosine of the mean latitude taken to first order
around the centre's: within 0.1 % of the great-circle distance up to 100 km at Europe's latitudes, within
1 % up to 500 km. What a page shows is the great-circle (haversine) distance, computed here.
"""

import math
from dataclasses import dataclass

EARTH_RADIUS_M = 6_371_008.8  # the mean radius
METRES_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180  # 111,195 m of a great circle


def haversine_m(latitude_1: float, longitude_1: float, latitude_2: float, longitude_2: float) -> float:
    phi_1, phi_2 = math.radians(latitude_1), math.radians(latitude_2)
    d_phi = phi_2 - phi_1
    d_lambda = math.radians(longitude_2 - longitude_1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi_1) * math.cos(phi_2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float

    def box(self, radius_m: float) -> tuple[float, float, float, float]:
        """(south, north, west, east) in degrees, holding every point within radius_m. Longitude degrees
        shrink towards the poles: the box is as wide as it must be at its edge nearest a pole."""
        d_latitude = radius_m / METRES_PER_DEGREE
        polar_edge = min(89.9, abs(self.latitude) + d_latitude)
        d_longitude = min(180.0, d_latitude / math.cos(math.radians(polar_edge)))
        return (
            self.latitude - d_latitude,
            self.latitude + d_latitude,
            self.longitude - d_longitude,
            self.longitude + d_longitude,
        )

    def distance_sql(self, alias: str) -> tuple[str, list[float]]:
        """The squared distance, in degrees of a great circle, from this point to the row `alias`'s
        latitude and longitude: Δφ² + (Δλ · cos φm)², cos φm to first order around this point's latitude."""
        cos_0 = math.cos(math.radians(self.latitude))
        half_sin_0 = math.sin(math.radians(self.latitude)) * math.pi / 360
        latitude, longitude = f"{alias}.latitude", f"{alias}.longitude"
        d_latitude = f"({latitude} - %s)"
        east = f"(({longitude} - %s) * (%s - %s * {d_latitude}))"
        east_params = [self.longitude, cos_0, half_sin_0, self.latitude]
        return (
            f"({d_latitude} * {d_latitude} + {east} * {east})",
            [self.latitude, self.latitude, *east_params, *east_params],
        )

    def box_sql(self, alias: str, radius_m: float) -> tuple[str, list[float]]:
        south, north, west, east = self.box(radius_m)
        return (
            f"{alias}.latitude BETWEEN %s AND %s AND {alias}.longitude BETWEEN %s AND %s",
            [south, north, west, east],
        )


def squared_degrees(radius_m: float) -> float:
    """A radius in metres as the squared degrees `Point.distance_sql` gives."""
    return (radius_m / METRES_PER_DEGREE) ** 2
