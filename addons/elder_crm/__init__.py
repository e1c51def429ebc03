from . import models, wizard
