"""The primary views of the models the portal works with, like the ones Odoo's modules install.

Arches are shortened but name real fields of the sandbox models, so that a view inheriting them with
an `xpath` on, say, `project_id` of the task form locates its target as on a real server.
"""

from __future__ import annotations

from .environment import Env
from .seed_data import mk

CHATTER = "<chatter/>"
VIEWS = [  # xml id, name, model, priority, arch
    (
        "purchase.purchase_order_form",
        "purchase.order.form",
        "purchase.order",
        16,
        '<form string="Purchase Order"><header><field name="state" widget="statusbar"/></header><sheet>'
        '<div class="oe_title"><h1><field name="priority" widget="priority"/><field name="name"/></h1></div>'
        '<group><group><field name="partner_id"/><field name="partner_ref"/><field name="currency_id"/></group>'
        '<group><field name="date_order"/><field name="date_approve"/><field name="date_planned"/>'
        '<field name="picking_type_id"/></group></group><notebook><page string="Products" name="products">'
        '<field name="order_line"><list editable="bottom"><field name="product_id"/><field name="name"/>'
        '<field name="product_qty"/><field name="price_unit"/><field name="price_subtotal"/></list></field>'
        '<group class="oe_subtotal_footer"><field name="amount_untaxed"/><field name="amount_tax"/>'
        '<field name="amount_total"/></group><field name="notes"/></page><page string="Other Information" '
        'name="purchase_delivery_invoice"><group><field name="user_id"/><field name="origin"/>'
        f'<field name="company_id"/></group></page></notebook></sheet>{CHATTER}</form>',
    ),
    (
        "account.view_move_form",
        "account.move.form",
        "account.move",
        16,
        '<form string="Account Entry"><header><field name="state" widget="statusbar"/></header><sheet>'
        '<div class="oe_title"><h1><field name="name"/></h1></div><group><group><field name="move_type"/>'
        '<field name="partner_id"/><field name="ref"/></group><group><field name="invoice_date"/>'
        '<field name="date"/><field name="invoice_date_due"/><field name="currency_id"/></group></group>'
        '<notebook><page string="Invoice Lines" name="invoice_tab"><field name="invoice_line_ids">'
        '<list editable="bottom"><field name="product_id"/><field name="name"/><field name="quantity"/>'
        '<field name="price_unit"/><field name="tax_ids"/><field name="price_subtotal"/></list></field>'
        '<group class="oe_subtotal_footer"><field name="amount_untaxed"/><field name="amount_tax"/>'
        '<field name="amount_total"/><field name="amount_residual"/></group></page>'
        '<page string="Journal Items" name="aml_tab"><field name="line_ids"><list><field name="name"/>'
        '<field name="display_type"/><field name="debit"/><field name="credit"/></list></field></page>'
        '<page string="Other Info" name="other_info"><group><field name="invoice_user_id"/>'
        f'<field name="invoice_origin"/><field name="company_id"/></group></page></notebook></sheet>{CHATTER}'
        "</form>",
    ),
    (
        "hr_expense.view_hr_expense_sheet_form",
        "hr.expense.sheet.form",
        "hr.expense.sheet",
        16,
        '<form string="Expense Reports"><header><field name="state" widget="statusbar"/></header><sheet>'
        '<div class="oe_title"><h1><field name="name"/></h1></div><group><group><field name="employee_id"/>'
        '<field name="user_id"/></group><group><field name="accounting_date"/><field name="company_id"/>'
        '</group></group><notebook><page string="Expense" name="expenses"><field name="expense_line_ids">'
        '<list><field name="date"/><field name="name"/><field name="product_id"/>'
        '<field name="total_amount"/></list></field><group class="oe_subtotal_footer">'
        f'<field name="total_amount"/></group></page></notebook></sheet>{CHATTER}</form>',
    ),
    (
        "maintenance.hr_equipment_request_view_form",
        "equipment.request.form",
        "maintenance.request",
        16,
        '<form string="Maintenance Request"><header><field name="stage_id" widget="statusbar"/></header>'
        '<sheet><div class="oe_title"><h1><field name="name"/></h1></div><group><group>'
        '<field name="owner_user_id"/><field name="equipment_id"/><field name="request_date"/>'
        '<field name="close_date"/><field name="maintenance_type"/></group><group>'
        '<field name="maintenance_team_id"/><field name="user_id"/><field name="schedule_date"/>'
        '<field name="duration"/><field name="priority" widget="priority"/><field name="company_id"/></group>'
        f'</group><field name="description"/></sheet>{CHATTER}</form>',
    ),
    (
        "project.view_task_form2",
        "project.task.form",
        "project.task",
        1,
        '<form string="Task"><header><field name="stage_id" widget="statusbar"/></header><sheet>'
        '<div class="oe_title"><h1><field name="priority" widget="priority"/><field name="name"/></h1></div>'
        '<group><group><field name="project_id"/><field name="user_ids" widget="many2many_avatar_user"/>'
        '<field name="parent_id"/></group><group><field name="date_deadline"/><field name="tag_ids"/>'
        '<field name="partner_id"/></group></group><notebook><page string="Description" name="description_page">'
        '<field name="description"/></page><page string="Extra Info" name="extra_info"><group>'
        '<field name="sequence"/><field name="company_id"/><field name="date_last_stage_update"/></group>'
        f'</page></notebook><field name="state" invisible="1"/></sheet>{CHATTER}</form>',
    ),
    (
        "stock.view_stock_quant_form_editable",
        "stock.quant.form.editable",
        "stock.quant",
        16,
        '<form string="Inventory Valuation" create="false"><sheet><group><group><field name="product_id"/>'
        '<field name="location_id"/><field name="warehouse_id"/><field name="lot_id"/></group><group>'
        '<field name="quantity"/><field name="reserved_quantity"/><field name="inventory_quantity"/>'
        '<field name="inventory_diff_quantity"/><field name="inventory_date"/><field name="user_id"/>'
        '<field name="company_id"/></group></group></sheet></form>',
    ),
    (
        "stock.view_stock_quant_tree_inventory_editable",
        "stock.quant.inventory.tree.editable",
        "stock.quant",
        10,
        '<list editable="bottom" create="1"><field name="location_id"/><field name="product_id"/>'
        '<field name="lot_id"/><field name="last_count_date"/><field name="quantity" string="On Hand Quantity"/>'
        '<field name="inventory_quantity" string="Counted Quantity"/><field name="inventory_diff_quantity"/>'
        '<field name="inventory_date"/><field name="user_id"/><field name="inventory_quantity_set"/></list>',
    ),
]


# Odoo 19: an expense is approved by itself (no report); its form holds what the report's did.
VIEWS_19 = [
    (
        "hr_expense.hr_expense_view_form",
        "hr.expense.view.form",
        "hr.expense",
        16,
        '<form string="Expenses"><header><field name="state" widget="statusbar"/></header><sheet>'
        '<div class="oe_title"><h1><field name="name"/></h1></div><group><group><field name="product_id"/>'
        '<field name="total_amount_currency"/><field name="employee_id"/></group><group><field name="date"/>'
        '<field name="manager_id"/><field name="company_id"/></group></group>'
        f'<field name="description"/></sheet>{CHATTER}</form>',
    ),
]


def seed_views(env: Env) -> None:
    major = env.sandbox.major
    for ref, name, model, priority, arch in [*VIEWS, *(VIEWS_19 if major >= 19 else [])]:
        if model not in env:
            continue  # gone in this version (hr.expense.sheet on 19)
        if major >= 19:
            arch = arch.replace('<field name="notes"/>', '<field name="note"/>')
        mk(env, "ir.ui.view", {"name": name, "model": model, "priority": priority, "arch": arch}, ref)
