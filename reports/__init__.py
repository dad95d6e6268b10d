from . import project_flow_resource_load
from . import project_flow_kpi_view_mixin
from . import project_flow_kpi_phase
from . import project_flow_kpi_task
from . import project_flow_person_viewer
from . import project_flow_kpi_person
from . import project_flow_status_report
