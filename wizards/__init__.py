from . import project_flow_create_wizard
from . import project_flow_override_wizard
from . import project_flow_decision_wizard
from . import project_flow_create_wizard_lessons
