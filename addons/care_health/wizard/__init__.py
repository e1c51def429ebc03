from . import care_health_quarterly
