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
