from . import occupancy_report
