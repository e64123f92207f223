from __future__ import annotations

from django.contrib import admin

from apps.directives.models import ChecklistItem, Directive, DirectiveTemplate, ReadinessSummary, StoreDirective


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0


@admin.register(Directive)
class DirectiveAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "owner_region", "due_on", "due_time", "launch_on", "published_at")
    list_filter = ("status", "owner_region")
    search_fields = ("title",)
    inlines = [ChecklistItemInline]
    readonly_fields = ("status", "published_at", "published_by", "cancelled_at")


@admin.register(StoreDirective)
class StoreDirectiveAdmin(admin.ModelAdmin):
    list_display = ("directive", "store", "status", "due_at", "launch_at", "submitted_at", "approved_at",
                    "odoo_task_id")
    list_filter = ("status",)
    search_fields = ("directive__title", "store__code")
    readonly_fields = ("odoo_task_id", "odoo_subtasks", "odoo_state")


@admin.register(DirectiveTemplate)
class DirectiveTemplateAdmin(admin.ModelAdmin):
    """Recurring work is set up here by HQ and operations: items as JSON, a daily or weekly schedule."""

    list_display = ("name", "schedule", "weekday", "due_time", "active", "last_run_on")
    list_filter = ("schedule", "active")
    filter_horizontal = ("target_regions", "target_stores", "target_groups")


@admin.register(ReadinessSummary)
class ReadinessSummaryAdmin(admin.ModelAdmin):
    list_display = ("directive", "region", "generator", "created_at")
    readonly_fields = ("directive", "region", "generator", "text", "figures", "created_at", "viewed_by")
