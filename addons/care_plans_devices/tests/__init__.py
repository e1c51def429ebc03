from . import test_device_sale
