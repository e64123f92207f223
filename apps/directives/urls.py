from __future__ import annotations

from django.urls import path

from apps.directives import store_views, views

app_name = "directives"

urlpatterns = [
    path("", views.directive_list, name="list"),
    path("new/", views.directive_new, name="new"),
    path("due-today/", store_views.due_today, name="due_today"),
    path("panels/readiness/", views.readiness_panel, name="readiness_panel"),
    path("<int:pk>/", views.directive_detail, name="detail"),
    path("<int:pk>/readiness/", views.directive_readiness, name="readiness"),
    path("<int:pk>/edit/", views.directive_edit_view, name="edit"),
    path("<int:pk>/publish/", views.directive_publish_view, name="publish"),
    path("<int:pk>/cancel/", views.directive_cancel_view, name="cancel"),
    path("<int:pk>/attachments/", views.directive_attach, name="attach"),
    path("<int:pk>/review/", views.directive_review, name="review"),
    path("<int:pk>/export.csv", views.directive_export, name="export"),
    path("copies/<int:pk>/", store_views.copy_page, name="copy"),
    path("copies/<int:pk>/panel/", store_views.copy_panel, name="copy_panel"),
    path("copies/<int:pk>/items/<int:item_id>/", store_views.copy_answer, name="answer"),
    path("copies/<int:pk>/items/<int:item_id>/review/", store_views.copy_review, name="review_item"),
    path("copies/<int:pk>/submit/", store_views.copy_submit_view, name="submit"),
    path("copies/<int:pk>/approve/", store_views.copy_approve_all_view, name="approve_all"),
    path("photos/<uuid:key>/", store_views.answer_photo, name="photo"),
    path("attachments/<uuid:pk>/", store_views.attachment, name="attachment"),
]
