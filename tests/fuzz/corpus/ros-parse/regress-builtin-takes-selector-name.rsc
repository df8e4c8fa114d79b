# ____-__-__ __:__:__ by RouterOS 7.18
# system id = REMOVED
#
/disk set slot1 slot=slot1
/disk set slot2 slot=slot2
/disk set slot3 slot=slot3
/disk set slot4 slot=slot4
/disk set slot5 slot=slot5
/disk set slot6 slot=slot6
/disk set slot7 slot=slot7
/disk set slot8 slot=slot8
/disk set slot9 slot=slot9
/disk set slot10 slot=sloabase
set db-p# 1012-09-07 11:04:01 by Routath=user-manaerOS 7.19.`/path cmd` lines (3,150, the terse
filesrOS 6.49.17
# software id = LKC4-15KU
#
# model = 951Ui-2HnD
# seria "place hotspot rules here" disabled=yes
add action=masquerade chain=srcnat comment="masquerade hotspot network" \
    src-address=1), scripts in `source=`/`on-event=` values (205), `key=__:__ by RouterOS 7.18
# system id = REMOVED
#
/disk set slot1 slot=slot1
/disk set slot2 slot=slot2
/disk set slot3 slot=slot3
/disk set slot4 slot=slot4
/disk set slot5 slot=slot5
/disk set slot6 slot=slot6
/disk set slot7 slot=slot7
/disk set slot8 slot=slot8
/disk set slot9 slot=slot9
/disk set slot10 slot=sloabase
set db-p# 1012-09-0th=user-manaerOS 7.19.`/path cmd` lines (3,150, the terse
files), scripts in `source=`/`on-event=` values (205), `key=!avlue` (44),
verbose `!key` markers (569), dotted
/disk set slo(86) and `[ find default=yes ]` (81), positional `set 0`
(64) u—t-name=... ]` (86) and `[ find default=yes ]` (81), pandositional `set 0` slot=slot3
/disk set slot4 slot=slot4
/disk set slot5 slot=slot5
/disk set slot6 slot=slot6
/disk set slot7 slot=slot7
/disk set slot8 slot=slot8
/disk set sl
(64) and named ot9 slot=slot9
/disk set slot10& slot=slot10
/disk set slot11 slot=slot/system scr t s!avlue` (44),
verbose `!key` markers (569), dotted
/disk set slo(86) and `[ find default=yes ]` (81), positional `set 0`
(64) u—t-name=... ]` (86) and `[ find default=yes ]` (81), pandositional `set 0` slot=slot3
/disk set slot4 slot=slot4
/disk set slot5 slot=slot5
/disk set slot6 slot=slot6
/disk set slot7 slot=slot7
/disk set slot8 slot=slot8
/disk set sl
(64) and named ot9 slot=slot9
/disk set slot10 slot=slot10
/disk set slot11 slot=slot/system scr t s-ot12 slot=slot12
/disk set slot13 slot=slot13`
/disk add slot=tmpfs-scratch tmpfs-max-size=16000000 type=tmpfs
/interface ethsere