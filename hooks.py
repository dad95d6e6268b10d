def uninstall_hook(env):
    """Remove the approval activities this module scheduled (on projects too,
    which stay), so its activity type can be deleted with the module."""
    activity_type = env.ref("project_flow.mail_activity_flow_approval", raise_if_not_found=False)
    if activity_type:
        env["mail.activity"].sudo().search([("activity_type_id", "=", activity_type.id)]).unlink()
    # the same for the improvement proposal activities of the template owners
    activity_type = env.ref("project_flow.mail_activity_flow_proposal", raise_if_not_found=False)
    if activity_type:
        env["mail.activity"].sudo().search([("activity_type_id", "=", activity_type.id)]).unlink()
    _remove_gantt_view_mode(env)


def _remove_gantt_view_mode(env):
    """Take the Gantt out of the view switcher of Odoo's project task action,
    or it would ask for a view type that no longer exists."""
    action = env.ref("project.act_project_project_2_project_task_all", raise_if_not_found=False)
    if action and "flow_gantt" in (action.view_mode or ""):
        modes = [mode for mode in action.view_mode.split(",") if mode != "flow_gantt"]
        action.sudo().view_mode = ",".join(modes)
