from . import care_device, sale_order, stock
