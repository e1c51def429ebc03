from . import test_access, test_funnel, test_pipeline, test_ui
