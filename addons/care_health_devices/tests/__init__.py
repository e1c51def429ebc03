from . import test_device_vitals
