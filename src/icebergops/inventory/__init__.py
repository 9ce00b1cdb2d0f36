"""Inventory: lead times, ABC/XYZ classes, safety stock, the restock plan and the budget fit."""
