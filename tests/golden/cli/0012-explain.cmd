explain ban-drop-table
