from . import test_documents, test_letter, test_portal, test_ui
