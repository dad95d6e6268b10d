from urllib.parse import urlencode

from odoo import _, fields, http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..engine import portal as portal_rules


class ProjectFlowPortal(CustomerPortal):
    """The collaborator's view of a shared project: phases, milestones, a
    read-only Gantt summary, deliverables (with upload) and the gate
    approvals the collaborator is named for.

    Portal users have no access rights on the flow models: every route first
    checks that the user may read the project (Odoo's project sharing rules,
    ``_document_check_access``), then reads the project's flow records with
    sudo and renders only the fields listed here.  Decisions call the
    approval's own business methods, which check again that the current user
    is the approver.
    """

    # ------------------------------------------------------------------
    # Home counter
    # ------------------------------------------------------------------
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "flow_approval_count" in counters:
            values["flow_approval_count"] = len(self._flow_my_pending_approvals())
        return values

    def _flow_my_pending_approvals(self):
        """Pending approvals of the current user on projects they may read."""
        approvals = (
            request.env["project.flow.approval"]
            .sudo()
            .search([("user_id", "=", request.env.uid), ("state", "=", "pending")])
        )
        readable = request.env["project.project"].search([("id", "in", approvals.project_id.ids)])
        return approvals.filtered(lambda a: a.project_id in readable)

    # ------------------------------------------------------------------
    # Pages
    # ------------------------------------------------------------------
    @http.route("/my/flow/approvals", type="http", auth="user", website=True)
    def portal_my_flow_approvals(self, **kw):
        values = self._prepare_portal_layout_values()
        values.update(
            page_name="flow_approvals",
            approvals=self._flow_my_pending_approvals(),
        )
        return request.render("project_flow.portal_my_flow_approvals", values)

    @http.route("/my/projects/<int:project_id>/flow", type="http", auth="user", website=True)
    def portal_my_project_flow(self, project_id, **kw):
        try:
            project_sudo = self._document_check_access("project.project", project_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        return request.render(
            "project_flow.portal_my_project_flow",
            self._flow_project_values(
                project_sudo, message=kw.get("message"), error=kw.get("error")
            ),
        )

    def _flow_project_values(self, project_sudo, message=None, error=None):
        phases = project_sudo.flow_phase_ids.sorted(lambda p: (p.sequence, p.id))
        milestones = project_sudo.milestone_ids if project_sudo.allow_milestones else []
        today = fields.Date.context_today(project_sudo)
        bars, span_start, span_end, today_offset = portal_rules.gantt_bars(
            [
                (
                    phase,
                    phase.date_actual_start or phase.date_start,
                    phase.date_actual_end or phase.date_end,
                )
                for phase in phases
            ],
            today=today,
        )
        milestone_marks = []
        if span_start:
            days = (span_end - span_start).days + 1
            for milestone in milestones:
                deadline = milestone.deadline
                if deadline and span_start <= deadline <= span_end:
                    milestone_marks.append(
                        (milestone, round((deadline - span_start).days * 100.0 / days, 2))
                    )
        pending = (
            request.env["project.flow.approval"]
            .sudo()
            .search(
                [
                    ("project_id", "=", project_sudo.id),
                    ("user_id", "=", request.env.uid),
                    ("state", "=", "pending"),
                ]
            )
        )
        values = self._prepare_portal_layout_values()
        values.update(
            page_name="project_flow",
            project=project_sudo,
            phases=phases,
            phase_states=dict(phases._fields["state"]._description_selection(request.env)),
            milestones=milestones,
            bars=bars,
            span_start=span_start,
            span_end=span_end,
            today_offset=today_offset,
            milestone_marks=milestone_marks,
            pending_by_phase={a.phase_id.id: a for a in pending if a.phase_id},
            max_mb=self._flow_upload_max_mb(),
            extensions=", ".join(sorted(self._flow_upload_extensions())),
            flow_message=message,
            flow_error=error,
            # portal chatter on the project: only public messages are shown to portal users
            object=project_sudo,
        )
        return values

    # ------------------------------------------------------------------
    # Upload
    # ------------------------------------------------------------------
    def _flow_upload_max_mb(self):
        value = (
            request.env["ir.config_parameter"].sudo().get_param("project_flow.portal_upload_max_mb")
        )
        return portal_rules.parse_max_mb(value)

    def _flow_upload_extensions(self):
        value = (
            request.env["ir.config_parameter"]
            .sudo()
            .get_param("project_flow.portal_upload_extensions", "pdf")
        )
        return portal_rules.parse_extensions(value)

    def _flow_upload_message(self, problem):
        if problem.code == "empty":
            return _("Choose a file to upload: the file is missing or empty.")
        if problem.code == "extension":
            return _(
                "Files of type %(extension)s cannot be uploaded here. Allowed types: %(allowed)s.",
                **problem.params,
            )
        if problem.code == "mime":
            return _(
                "This file looks like %(mimetype)s, which cannot be uploaded as a deliverable.",
                **problem.params,
            )
        return _(
            "The file is too big (%(size)s MB); the limit is %(max)s MB.",
            **problem.params,
        )

    def _flow_redirect(self, project_id, **params):
        query = f"?{urlencode(params)}" if params else ""
        return request.redirect(f"/my/projects/{project_id}/flow{query}")

    @http.route(
        "/my/projects/<int:project_id>/flow/deliverable/<int:deliverable_id>/upload",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_flow_upload(self, project_id, deliverable_id, ufile=None, **kw):
        try:
            project_sudo = self._document_check_access("project.project", project_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        deliverable = request.env["project.flow.deliverable"].sudo().browse(deliverable_id).exists()
        if not deliverable or deliverable.project_id != project_sudo:
            return request.redirect("/my")
        if deliverable.deliverable_type != "attachment":
            return self._flow_redirect(
                project_id,
                error=_(
                    "%(deliverable)s is a checklist item: the team ticks it, no file is needed.",
                    deliverable=deliverable.name,
                ),
            )
        content = ufile.read() if ufile else b""
        problem = portal_rules.check_upload(
            ufile.filename if ufile else "",
            len(content),
            ufile.mimetype if ufile else "",
            self._flow_upload_extensions(),
            self._flow_upload_max_mb(),
        )
        if problem:
            return self._flow_redirect(project_id, error=self._flow_upload_message(problem))
        try:
            attachment = (
                request.env["ir.attachment"]
                .sudo()
                .create(
                    {
                        "name": ufile.filename,
                        "raw": content,
                        "res_model": deliverable._name,
                        "res_id": deliverable.id,
                    }
                )
            )
            # sudo keeps the portal user as env.uid, so "Done by" names them
            deliverable.attachment_ids = [fields.Command.link(attachment.id)]
        except UserError as error:
            request.env.cr.rollback()
            return self._flow_redirect(project_id, error=str(error))
        deliverable.phase_id.message_post(
            body=_(
                "%(user)s uploaded %(file)s for %(deliverable)s.",
                user=request.env.user.name,
                file=ufile.filename,
                deliverable=deliverable.name,
            ),
            author_id=request.env.user.partner_id.id,
        )
        return self._flow_redirect(
            project_id,
            message=_(
                "%(file)s was added to %(deliverable)s.",
                file=ufile.filename,
                deliverable=deliverable.name,
            ),
        )

    # ------------------------------------------------------------------
    # Approvals
    # ------------------------------------------------------------------
    @http.route(
        "/my/projects/<int:project_id>/flow/approval/<int:approval_id>/decide",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_flow_decide(self, project_id, approval_id, decision=None, comment=None, **kw):
        try:
            project_sudo = self._document_check_access("project.project", project_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        approval = request.env["project.flow.approval"].sudo().browse(approval_id).exists()
        if (
            not approval
            or approval.project_id != project_sudo
            or approval.user_id != request.env.user
        ):
            return request.redirect("/my")
        try:
            # sudo() keeps env.user = the portal user: action_* check they are the approver
            if decision == "approve":
                approval.action_approve(comment=comment)
            elif decision == "reject":
                approval.action_reject(comment=comment)
            else:
                raise UserError(_("Choose Approve or Reject."))
        except (UserError, AccessError) as error:
            request.env.cr.rollback()
            return self._flow_redirect(project_id, error=error.args[0])
        return self._flow_redirect(
            project_id,
            message=_("Your decision on %(subject)s was recorded.", subject=approval.subject),
        )
