; The krukhor installer: a per-user install (no administrator rights) of the PyInstaller bundle.
; Compiled by build_installer.py, which passes the defines:
;   makensis -INPUTCHARSET UTF8 -DVERSION=0.1.0 -DFILE_VERSION=0.1.0.0 -DBUNDLE_DIR=dist\krukhor
;            -DOUT_FILE=dist\krukhor-0.1.0-setup.exe packaging\krukhor.nsi
; The user's data (database, backups) lives in %LOCALAPPDATA%\krukhor, outside the program folder: an
; upgrade replaces only the program, and the program backs the database up and migrates it at its next
; start. The uninstaller removes the data only when its "remove my data" box is ticked.

Unicode true
ManifestDPIAware true

!ifndef VERSION
  !error "VERSION is not defined: build with build_installer.py"
!endif
!ifndef FILE_VERSION
  !error "FILE_VERSION is not defined: build with build_installer.py"
!endif
!ifndef BUNDLE_DIR
  !error "BUNDLE_DIR is not defined: build with build_installer.py"
!endif
!ifndef OUT_FILE
  !define OUT_FILE "krukhor-${VERSION}-setup.exe"
!endif

!define APP "krukhor"
!define APP_TITLE "ระบบบริหารการฝึกอบรมครู ข"
!define APP_SHORT "ครู ข (krukhor)"
!define PUBLISHER "กรมการจัดหางาน กระทรวงแรงงาน"
!define GUI_EXE "krukhor.exe"
!define CLI_EXE "krukhor-cli.exe"
!define UNINSTALLER "uninstall.exe"
!define APP_KEY "Software\${APP}"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP}"
; desktop/paths.py: platformdirs.user_data_dir("krukhor", roaming=False)
!define DATA_DIR "$LOCALAPPDATA\${APP}"

Name "${APP_TITLE} ${VERSION}"
Caption "${APP_SHORT} ${VERSION}"
OutFile "${OUT_FILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP}"
InstallDirRegKey HKCU "${APP_KEY}" "InstallDir"
RequestExecutionLevel user
SetCompressor /SOLID lzma
ShowInstDetails show
ShowUninstDetails show
BrandingText "${APP} ${VERSION}"

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"

!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_SMALLDESC
!define MUI_FINISHPAGE_RUN "$INSTDIR\${GUI_EXE}"
!define MUI_UNCOMPONENTSPAGE_SMALLDESC

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

; The first language is the default; Windows in English gets English pages.
!insertmacro MUI_LANGUAGE "Thai"
!insertmacro MUI_LANGUAGE "English"

LangString SEC_PROGRAM ${LANG_THAI} "โปรแกรม"
LangString SEC_PROGRAM ${LANG_ENGLISH} "Program"
LangString SEC_STARTMENU ${LANG_THAI} "ทางลัดในเมนูเริ่ม"
LangString SEC_STARTMENU ${LANG_ENGLISH} "Start menu shortcuts"
LangString SEC_DESKTOP ${LANG_THAI} "ทางลัดบนเดสก์ท็อป"
LangString SEC_DESKTOP ${LANG_ENGLISH} "Desktop shortcut"
LangString DESC_PROGRAM ${LANG_THAI} "ตัวโปรแกรม (ข้อมูลของท่านเก็บแยกไว้และไม่ถูกเขียนทับเมื่อปรับรุ่น)"
LangString DESC_PROGRAM ${LANG_ENGLISH} "The program (your data is kept apart and never overwritten by an upgrade)"
LangString DESC_STARTMENU ${LANG_THAI} "ทางลัดของโปรแกรมและตัวถอนการติดตั้งในเมนูเริ่ม"
LangString DESC_STARTMENU ${LANG_ENGLISH} "Shortcuts to the program and its uninstaller in the Start menu"
LangString DESC_DESKTOP ${LANG_THAI} "ทางลัดของโปรแกรมบนเดสก์ท็อป"
LangString DESC_DESKTOP ${LANG_ENGLISH} "A shortcut to the program on the desktop"
LangString UNINSTALL_LINK ${LANG_THAI} "ถอนการติดตั้ง"
LangString UNINSTALL_LINK ${LANG_ENGLISH} "Uninstall"
LangString SEC_UN_PROGRAM ${LANG_THAI} "โปรแกรมและทางลัด"
LangString SEC_UN_PROGRAM ${LANG_ENGLISH} "Program and shortcuts"
LangString SEC_UN_DATA ${LANG_THAI} "ลบข้อมูลของฉันด้วย (ฐานข้อมูลและสำเนาสำรอง)"
LangString SEC_UN_DATA ${LANG_ENGLISH} "Also remove my data (database and backups)"
LangString DESC_UN_DATA ${LANG_THAI} "ไม่เลือก = เก็บข้อมูลไว้ใน ${DATA_DIR} เพื่อติดตั้งใหม่ภายหลัง"
LangString DESC_UN_DATA ${LANG_ENGLISH} "Unticked = your data stays in ${DATA_DIR} for a later install"
LangString CONFIRM_DELETE_DATA ${LANG_THAI} "ลบฐานข้อมูลและสำเนาสำรองทั้งหมดใน ${DATA_DIR} อย่างถาวร?$\r$\nข้อมูลที่ยังไม่ได้ส่งเข้าระบบกลางจะหายไป"
LangString CONFIRM_DELETE_DATA ${LANG_ENGLISH} "Delete the database and all backups in ${DATA_DIR} for good?$\r$\nData not yet sent to the central server will be lost."

VIProductVersion "${FILE_VERSION}"
VIFileVersion "${FILE_VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductName" "krukhor"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileDescription" "krukhor ${VERSION} setup"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "LegalCopyright" "${PUBLISHER}; Sarabun font: SIL OFL 1.1"

Section "!$(SEC_PROGRAM)" SecProgram
  SectionIn RO
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  ; An upgrade: drop the old program's libraries so none of them lingers beside the new ones.
  ; Only the program folder: the data folder (${DATA_DIR}) is never touched by the installer.
  RMDir /r "$INSTDIR\_internal"
  File "${BUNDLE_DIR}\${GUI_EXE}"
  File "${BUNDLE_DIR}\${CLI_EXE}"
  File /r "${BUNDLE_DIR}\_internal"
  WriteUninstaller "$INSTDIR\${UNINSTALLER}"
  WriteRegStr HKCU "${APP_KEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${APP_KEY}" "Version" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${APP_TITLE} (krukhor)"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${GUI_EXE}"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\${UNINSTALLER}"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\${UNINSTALLER}" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" "$0"
SectionEnd

Section "$(SEC_STARTMENU)" SecStartMenu
  SetShellVarContext current
  CreateDirectory "$SMPROGRAMS\${APP_SHORT}"
  CreateShortCut "$SMPROGRAMS\${APP_SHORT}\${APP_TITLE}.lnk" "$INSTDIR\${GUI_EXE}"
  CreateShortCut "$SMPROGRAMS\${APP_SHORT}\$(UNINSTALL_LINK).lnk" "$INSTDIR\${UNINSTALLER}"
SectionEnd

Section "$(SEC_DESKTOP)" SecDesktop
  SetShellVarContext current
  CreateShortCut "$DESKTOP\${APP_TITLE}.lnk" "$INSTDIR\${GUI_EXE}"
SectionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecProgram} $(DESC_PROGRAM)
  !insertmacro MUI_DESCRIPTION_TEXT ${SecStartMenu} $(DESC_STARTMENU)
  !insertmacro MUI_DESCRIPTION_TEXT ${SecDesktop} $(DESC_DESKTOP)
!insertmacro MUI_FUNCTION_DESCRIPTION_END

; ------------------------------------------------------------------------------------------ uninstall

Section "un.$(SEC_UN_PROGRAM)" UnSecProgram
  SectionIn RO
  SetShellVarContext current
  ; Only what the installer put there: the folder itself goes only if it is then empty.
  Delete "$INSTDIR\${GUI_EXE}"
  Delete "$INSTDIR\${CLI_EXE}"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${UNINSTALLER}"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${APP_SHORT}\${APP_TITLE}.lnk"
  Delete "$SMPROGRAMS\${APP_SHORT}\$(UNINSTALL_LINK).lnk"
  RMDir "$SMPROGRAMS\${APP_SHORT}"
  Delete "$DESKTOP\${APP_TITLE}.lnk"
  DeleteRegKey HKCU "${UNINST_KEY}"
  DeleteRegKey HKCU "${APP_KEY}"
SectionEnd

; Unticked by default, and a silent uninstall (/S) keeps the data too.
Section /o "un.$(SEC_UN_DATA)" UnSecData
  ${If} ${Cmd} `MessageBox MB_YESNO|MB_ICONEXCLAMATION|MB_DEFBUTTON2 "$(CONFIRM_DELETE_DATA)" /SD IDNO IDYES`
    RMDir /r "${DATA_DIR}"
  ${EndIf}
SectionEnd

!insertmacro MUI_UNFUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${UnSecData} $(DESC_UN_DATA)
!insertmacro MUI_UNFUNCTION_DESCRIPTION_END
