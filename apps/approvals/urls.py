from __future__ import annotations

from django.urls import path

from apps.approvals import views

app_name = "approvals"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("panel/", views.inbox_panel, name="panel"),
    path("bulk-approve/", views.bulk_approve, name="bulk_approve"),
    path("undo/", views.undo, name="undo"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/row/", views.row, name="row"),
    path("<int:pk>/decision/", views.decision_panel, name="decision_panel"),
    path("<int:pk>/lines/", views.lines, name="lines"),
    path("<int:pk>/brief/", views.brief, name="brief"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/reassign/", views.reassign, name="reassign"),
    path("<int:pk>/extend/", views.extend, name="extend"),
    path("<int:pk>/escalate/", views.escalate, name="escalate"),
    path("<int:pk>/retry/", views.retry, name="retry"),
]
