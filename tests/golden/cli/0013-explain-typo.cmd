explain ban-drop-tabel
