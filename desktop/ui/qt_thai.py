"""Qt's own texts in Thai: standard buttons, message boxes, text-field menus and Qt's file dialog.

Qt ships no qtbase_th.qm (PySide6 6.11 has 30 languages, not Thai), so the strings a user meets are
translated here and compiled to resources/translations/qtbase_th.qm (scripts/build_qt_thai.py); a
qtbase_th.qm in Qt's own translations folder (a later Qt) is loaded as well and wins. A .qm, not a Python
QTranslator: Qt calls translate() from printing and font code, where a Python override broke PDF output.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

from db.resources import resource_path

# Qt's source text (with its & accelerators) → Thai. The same words in any Qt context mean the same here.
QT_THAI: dict[str, str] = {
    # QPlatformTheme: QMessageBox and QDialogButtonBox standard buttons
    "OK": "ตกลง",
    "&OK": "ตกลง",
    "Save": "บันทึก",
    "&Save": "บันทึก",
    "Save All": "บันทึกทั้งหมด",
    "Open": "เปิด",
    "&Open": "เปิด",
    "Cancel": "ยกเลิก",
    "&Cancel": "ยกเลิก",
    "Close": "ปิด",
    "&Close": "ปิด",
    "Apply": "ใช้",
    "Reset": "ตั้งค่าใหม่",
    "Help": "ช่วยเหลือ",
    "Don't Save": "ไม่บันทึก",
    "Close without Saving": "ปิดโดยไม่บันทึก",
    "Discard": "ทิ้ง",
    "&Yes": "ใช่",
    "Yes": "ใช่",
    "Yes to &All": "ใช่ทั้งหมด",
    "&No": "ไม่ใช่",
    "No": "ไม่ใช่",
    "N&o to All": "ไม่ใช่ทั้งหมด",
    "Abort": "ยุติ",
    "Retry": "ลองใหม่",
    "Ignore": "ข้าม",
    "Restore Defaults": "คืนค่าเริ่มต้น",
    # QMessageBox
    "Show Details...": "รายละเอียด…",
    "Hide Details...": "ซ่อนรายละเอียด",
    # QLineEdit / QWidgetTextControl context menu
    "&Undo": "เลิกทำ",
    "&Redo": "ทำซ้ำ",
    "Cu&t": "ตัด",
    "&Copy": "คัดลอก",
    "&Paste": "วาง",
    "Delete": "ลบ",
    "Select All": "เลือกทั้งหมด",
    "Copy &Link Location": "คัดลอกที่อยู่ลิงก์",
    # QFileDialog (Qt's own, where the system has no native one)
    "Look in:": "มองหาใน:",
    "File &name:": "ชื่อไฟล์:",
    "File name:": "ชื่อไฟล์:",
    "Files of type:": "ชนิดไฟล์:",
    "Back": "ย้อนกลับ",
    "Forward": "ไปข้างหน้า",
    "Parent Directory": "โฟลเดอร์แม่",
    "Create New Folder": "สร้างโฟลเดอร์ใหม่",
    "List View": "มุมมองรายการ",
    "Detail View": "มุมมองรายละเอียด",
    "Name": "ชื่อ",
    "Size": "ขนาด",
    "Type": "ชนิด",
    "Kind": "ชนิด",
    "Date Modified": "แก้ไขเมื่อ",
    "New Folder": "โฟลเดอร์ใหม่",
    "&New Folder": "โฟลเดอร์ใหม่",
    "&Rename": "เปลี่ยนชื่อ",
    "&Delete": "ลบ",
    "Show &hidden files": "แสดงไฟล์ที่ซ่อน",
    "Recent Places": "ที่ที่ใช้ล่าสุด",
    "My Computer": "คอมพิวเตอร์",
    "Computer": "คอมพิวเตอร์",
    "All Files (*)": "ทุกไฟล์ (*)",
    "Directories": "โฟลเดอร์",
    "Directory:": "โฟลเดอร์:",
    "Choose": "เลือก",
    "&Choose": "เลือก",
    "Drive": "ไดรฟ์",
    "File": "ไฟล์",
    "File Folder": "โฟลเดอร์",
    "Folder": "โฟลเดอร์",
    "Unknown": "ไม่ทราบ",
    "Save As": "บันทึกเป็น",
    "Find Directory": "เลือกโฟลเดอร์",
    "Are you sure you want to delete '%1'?": "ต้องการลบ '%1' ใช่ไหม",
    "%1 already exists.\nDo you want to replace it?": "มี %1 อยู่แล้ว\nต้องการแทนที่หรือไม่",
    "%1\nFile not found.\nPlease verify the correct file name was given.": "%1\nไม่พบไฟล์\nโปรดตรวจชื่อไฟล์",
    # QPrintDialog (the parts a user reads first)
    "Print": "พิมพ์",
    "&Print": "พิมพ์",
    "Printer": "เครื่องพิมพ์",
    "&Name:": "ชื่อ:",
    "P&roperties": "คุณสมบัติ",
    "Copies": "จำนวนชุด",
    "Number of copies:": "จำนวนชุด:",
    "Print range": "ช่วงที่พิมพ์",
    "Print all": "พิมพ์ทั้งหมด",
    "Pages from": "หน้า",
    "to": "ถึง",
    "Options": "ตัวเลือก",
    "Collate": "เรียงชุด",
    "Reverse": "กลับลำดับ",
    "Print to File (PDF)": "พิมพ์เป็นไฟล์ (PDF)",
    "Local file": "ไฟล์ในเครื่อง",
    "Landscape": "แนวนอน",
    "Portrait": "แนวตั้ง",
    # QInputDialog and others
    "Enter a value:": "ใส่ค่า:",
    "Customize...": "ปรับแต่ง…",
}


# Where Qt asks for each text (its tr() context), found by recording what Qt's widgets ask for; a text not
# listed is written under FALLBACK_CONTEXTS.
SEEN_CONTEXTS: dict[str, tuple[str, ...]] = {
    "&Copy": ("QLineEdit", "QWidgetTextControl"),
    "&Delete": ("QFileDialog",),
    "&New Folder": ("QFileDialog",),
    "&No": ("QPlatformTheme",),
    "&Open": ("QFileDialog",),
    "&Paste": ("QLineEdit", "QWidgetTextControl"),
    "&Redo": ("QLineEdit", "QWidgetTextControl"),
    "&Rename": ("QFileDialog",),
    "&Save": ("QFileDialog",),
    "&Undo": ("QLineEdit", "QWidgetTextControl"),
    "&Yes": ("QPlatformTheme",),
    "Abort": ("QPlatformTheme",),
    "All Files (*)": ("QFileDialog",),
    "Apply": ("QPlatformTheme",),
    "Back": ("QFileDialog",),
    "Cancel": ("QPlatformTheme",),
    "Close": ("QPlatformTheme",),
    "Computer": ("QFileSystemModel",),
    "Create New Folder": ("QFileDialog",),
    "Cu&t": ("QLineEdit", "QWidgetTextControl"),
    "Date Modified": ("QFileSystemModel",),
    "Delete": ("QLineEdit", "QWidgetTextControl"),
    "Detail View": ("QFileDialog",),
    "Discard": ("QPlatformTheme",),
    "Drive": ("QAbstractFileIconProvider",),
    "Enter a value:": ("QInputDialog",),
    "File &name:": ("QFileDialog",),
    "Folder": ("QAbstractFileIconProvider",),
    "Forward": ("QFileDialog",),
    "Help": ("QPlatformTheme",),
    "Ignore": ("QPlatformTheme",),
    "List View": ("QFileDialog",),
    "N&o to All": ("QPlatformTheme",),
    "Name": ("QFileSystemModel",),
    "OK": ("QPlatformTheme",),
    "Open": ("QFileDialog", "QPlatformTheme"),
    "Parent Directory": ("QFileDialog",),
    "Reset": ("QPlatformTheme",),
    "Restore Defaults": ("QPlatformTheme",),
    "Retry": ("QPlatformTheme",),
    "Save": ("QPlatformTheme",),
    "Save All": ("QPlatformTheme",),
    "Save As": ("QFileDialog",),
    "Select All": ("QLineEdit", "QWidgetTextControl"),
    "Show &hidden files": ("QFileDialog",),
    "Show Details...": ("QMessageBox",),
    "Size": ("QFileSystemModel",),
    "Type": ("QFileSystemModel",),
    "Yes to &All": ("QPlatformTheme",),
}
FALLBACK_CONTEXTS = ("QFileDialog", "QMessageBox", "QPlatformTheme", "QPrintDialog")


def ts_text() -> str:
    """The Qt Linguist source of resources/translations/qtbase_th.qm (scripts/build_qt_thai.py compiles it)."""
    by_context: dict[str, list[tuple[str, str]]] = {}
    for source, thai in QT_THAI.items():
        for context in SEEN_CONTEXTS.get(source, FALLBACK_CONTEXTS):
            by_context.setdefault(context, []).append((source, thai))
    out = ['<?xml version="1.0" encoding="utf-8"?>', "<!DOCTYPE TS>", '<TS version="2.1" language="th_TH">']
    for context in sorted(by_context):
        out.append(f"<context><name>{context}</name>")
        for source, thai in by_context[context]:
            out.append(
                f"<message><source>{escape(source)}</source><translation>{escape(thai)}</translation></message>"
            )
        out.append("</context>")
    out.append("</TS>")
    return "\n".join(out) + "\n"


def install_thai_translations(app: QCoreApplication) -> list[QTranslator]:
    """Thai for Qt's own texts; returns the translators (kept alive by the caller and the app)."""
    installed: list[QTranslator] = []
    ours = QTranslator(app)
    if ours.load(str(resource_path("translations", "qtbase_th.qm"))):
        app.installTranslator(ours)
        installed.append(ours)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    official = QTranslator(app)
    if official.load("qtbase_th", folder):  # a later Qt's own Thai; installed last, so it is asked first
        app.installTranslator(official)
        installed.append(official)
    return installed
