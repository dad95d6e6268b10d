from . import project_flow_create_wizard
from . import project_flow_override_wizard
from . import project_flow_decision_wizard
from . import project_flow_proposal_reject_wizard
from . import project_flow_lesson_apply_wizard
from . import project_flow_blocker_wizard
from . import project_flow_alert_acknowledge_wizard
from . import project_flow_profile
