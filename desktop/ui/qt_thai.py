"""Qt's own texts in Thai: standard buttons, message boxes, text-field menus and Qt's file dialog.

Qt ships no qtbase_th.qm (PySide6 6.11 has 30 languages, not Thai), so the strings a user meets are
translated here; a qtbase_th.qm found in Qt's translations folder (a later Qt) is loaded as well and wins.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

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


class ThaiQtTranslator(QTranslator):
    """Answers Qt's own tr() calls from QT_THAI; every other text passes through unchanged."""

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:
        return QT_THAI.get(source, "")

    def isEmpty(self) -> bool:
        return False


def install_thai_translations(app: QCoreApplication) -> list[QTranslator]:
    """Thai for Qt's own texts; returns the translators (kept alive by the caller and the app)."""
    QLocale.setDefault(QLocale(QLocale.Language.Thai, QLocale.Country.Thailand))
    installed: list[QTranslator] = []
    ours = ThaiQtTranslator(app)
    app.installTranslator(ours)
    installed.append(ours)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    official = QTranslator(app)
    if official.load("qtbase_th", folder):  # installed last, so it is asked first
        app.installTranslator(official)
        installed.append(official)
    app.setProperty("thai_translators", len(installed))
    return installed
