#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the replay transcripts (*.in, raw module output) and options (*.args).

Most come from chapter 4 of the BC66 and UC20 manuals: the module output
side of each example, with command echo (the parser drops it) where the
example shows the command. Run from this directory; review the diff of
*.expected after REGEN=1 make check.
"""
import os

CRLF = b"\r\n"


def r(*lines):
    """Responses: each line as <CR><LF>text<CR><LF>."""
    return b"".join(CRLF + l.encode("latin-1") + CRLF for l in lines)


def echo(cmd):
    return cmd.encode("latin-1") + b"\r"


def data(hdr, payload):
    """A header line followed by a length-prefixed data block."""
    return CRLF + hdr.encode() + CRLF + payload


T = {}
A = {}

# ---- BC66, chapter 4 ------------------------------------------------------
T["bc66_4_1_1_open_buffer"] = (
    echo('AT+QIOPEN=1,0,"TCP","220.180.239.212",8062,1234,0') + r("OK") +
    r("+QIOPEN: 0,0") +
    echo("AT+QISTATE=1,0") +
    r('+QISTATE: 0,1,"220.180.239.212",8062,1234,2,1,0', "OK"))
T["bc66_4_1_2_send_buffer"] = (
    echo("AT+QISEND=0,10,1234567890") + r("OK", "SEND OK") +
    echo("AT+QISENDEX=0,5,3031323334") + r("OK", "SEND OK") +
    echo("AT+QISEND=0,10,1234567890") + r("OK") +
    echo("AT+QISEND=0,10,1234567890") + r("ERROR", "SEND OK"))
T["bc66_4_1_3_recv_buffer"] = (
    r('+QIURC: "recv",0') +
    echo("AT+QIRD=0,512") + data("+QIRD: 10", b"1234567890") + CRLF +
    r("OK") +
    echo("AT+QIRD=0,512") + r("+QIRD: 0", "OK") +
    r('+QIURC: "recv",0,"buff full"'))
T["bc66_4_1_4_close"] = echo("AT+QICLOSE=0") + r("OK", "CLOSE OK")
T["bc66_4_2_1_open_push"] = (
    echo('AT+QIOPEN=1,0,"TCP","220.180.239.212",8062,0,1') + r("OK") +
    r("+QIOPEN: 0,0") +
    echo("AT+QISTATE=1,0") +
    r('+QISTATE: 0,1,"220.180.239.212",8062,0,2,1,1', "OK"))
T["bc66_4_2_2_send_push"] = (
    echo("AT+QISEND=0,10,1234567890") + r("OK", "SEND OK") +
    echo("AT+QISENDEX=0,5,3031323334") + r("OK", "SEND OK"))
T["bc66_4_2_3_recv_push"] = data('+QIURC: "recv",0,5', b"12345") + CRLF
T["bc66_4_3_ping"] = (
    echo('AT+QPING=1,"hf.quectel.com"') + r("OK") +
    r('+QPING: 0,"220.180.239.212",32,192,255') +
    r('+QPING: 0,"220.180.239.212",32,240,255') +
    r('+QPING: 0,"220.180.239.212",32,241,255') +
    r('+QPING: 0,"220.180.239.212",32,479,255') +
    r("+QPING: 0,4,4,0,192,479,287") +
    r("+QPING: 569") + r("+QPING: 565"))
T["bc66_4_4_ntp"] = (
    echo('AT+QNTTP=1,"ntp5.aliyun.com"') + r("OK") +
    r('+QNTTP: 0,"18/04,11:08:20:35+8"') +
    r('+QNTP: 0,"18/04/24,11:08:20+32"'))
T["bc66_4_5_geterror"] = (
    echo('AT+QIOPEN=1,"UDP","220.180.239.212",8063,0,1') + r("ERROR") +
    echo("AT+QIGETERROR") + r("+QIGETERROR: 552,invalid parameters",
                              "ERROR"))
# Chapter 2 answers of the module: test/read commands, dnsgip, cfg.
T["bc66_2_answers"] = r(
    '+QIOPEN: (1-3),(0-4),"TCP/UDP", "<IP_address>/<domain_name>",'
    '<remote_port>,<local_port>,<0-1>[,<0-1>]', "OK",
    "+QISEND: (0-4),(1-700),(DATA)", "OK",
    "+QIRD: (0-4),(1-700)", "OK",
    "+QISENDEX: (0-4),(1-700),<hex_string>", "OK",
    "+QISWTMD: (0-4),(0-1)", "OK",
    "+QPING: (1-3),<host>,(1-255),(1-10)", "OK",
    "+QNTTP: (1-3),<server>,(list of supported<port>s,(0,1))", "OK",
    '+QNTTP: "ntp5.aliyun.com",123', "OK",
    "+QIDNSGIP: (1-3),<hostname>", "OK",
    '+QICFG: "dataformat",(0,1),(0,1)', '+QICFG: "viewmode",(0,1)', "OK",
    '+QICFG: "dataformat",0,1', "OK",
    '+QISTATE: 0,"TCP","220.180.239.212",8062,1234,2,1,0', "OK",
    "Quectel", "BC66", "Revision: BC66NBR01A01", "OK",
    "+CGSN: 866425030012345", "OK") + (
    r("OK") + r('+QIURC: "dnsgip",0,2,600') +
    r('+QIURC: "dnsgip","220.181.57.216"') +
    r('+QIURC: "dnsgip","180.149.132.47"') +
    r('+QIURC: "dnsgip",565') +
    r('+QIURC: "closed",0') + r('+QIURC: "pdpdeact",1') +
    r('+QIURC: "recv",4,"buff full"'))
# Viewmode 1: header and data separated by a comma.
T["bc66_viewmode_comma"] = (
    r('+QIURC: "recv",0') +
    echo("AT+QIRD=0,512") + CRLF + b"+QIRD: 10,12345\r\n890" + CRLF +
    r("OK") +
    CRLF + b'+QIURC: "recv",1,4,ab,c' + CRLF +
    echo("AT+QIRD=0,512") + r("+QIRD: 0", "OK") +
    # The CRLF form is still understood with viewmode 1.
    data('+QIURC: "recv",2,3', b"xyz") + CRLF +
    r('+QIURC: "recv",0,"buff full"'))
A["bc66_viewmode_comma"] = "--model bc66 --viewmode-comma"
# Hex receive format: 2n hex digits for n bytes.
T["bc66_recv_hex"] = (
    data("+QIRD: 5", b"3031320D0A") + CRLF + r("OK") +
    data('+QIURC: "recv",1,3', b"414243") + CRLF +
    data('+QIURC: "recv",1,4', b"00ff7f80") + CRLF +
    data("+QIRD: 4", b"30XY") + CRLF + r("OK") +
    r('+QIURC: "closed",1'))
A["bc66_recv_hex"] = "--model bc66 --recv-hex"
T["bc66_recv_hex_comma"] = (
    CRLF + b'+QIURC: "recv",0,2,4142' + CRLF +
    CRLF + b"+QIRD: 3,0D0A00" + CRLF + r("OK"))
A["bc66_recv_hex_comma"] = "--model bc66 --recv-hex --viewmode-comma"

# ---- UC20, chapter 2 example and chapter 4 ---------------------------------
T["uc20_2_1_qicsgp"] = (
    echo("AT+QICSGP=1") + r('+QICSGP: 1,"","","",0', "OK") +
    echo('AT+QICSGP=1,1,"UNINET","","",1') + r("OK"))
T["uc20_4_1_context"] = (
    echo('AT+QICSGP=1,1,"UNINET","","",1') + r("OK") +
    echo("AT+QIACT=1") + r("OK") +
    echo("AT+QIACT?") + r('+QIACT: 1,1,1,"10.7.157.1"', "OK") +
    echo("AT+QIDEACT=1") + r("OK"))
T["uc20_4_2_buffer"] = (
    echo('AT+QIOPEN=1,0,"TCP","61.190.19.174",8705,0,0') + r("OK") +
    r("+QIOPEN: 0,0") +
    echo("AT+QISTATE=1,0") +
    r('+QISTATE: 0,"TCP","61.190.19.174",8705,0,2,1,0,0,"usbmodem"', "OK") +
    echo("AT+QISEND=0,4") + CRLF + b"> " + r("SEND OK") +
    echo("AT+QISEND=0,0") + r("+QISEND: 9,9,0", "OK") +
    r('+QIURC: "recv",0') +
    echo("AT+QIRD=0,1500") + data("+QIRD: 5", b"test1") + CRLF + r("OK") +
    echo("AT+QIRD=0,1500") + r("+QIRD: 0", "OK") +
    echo("AT+QIRD=0,0") + r("+QIRD: 5,5,0", "OK") +
    echo("AT+QICLOSE=0") + r("OK"))
T["uc20_4_3_transparent"] = (
    echo('AT+QIOPEN=1,0,"TCP","61.190.19.174",8705,0,2') + r("CONNECT") +
    b"Test 1\r\nOK\r\n+QIURC: \x00\xff")
A["uc20_4_3_transparent"] = "--model uc20 --raw-on-connect"
T["uc20_4_4_push"] = (
    echo('AT+QIOPEN=1,0,"TCP","61.190.19.174",8705,0,1') + r("OK") +
    r("+QIOPEN: 0,0") +
    echo("AT+QISTATE=1,0") +
    r('+QISTATE: 0,"TCP","61.190.19.174",8705,0,2,1,0,1,"usbmodem"', "OK") +
    echo("AT+QISEND=0") + CRLF + b"> " + r("SEND OK") +
    echo("AT+QISEND=0,5") + CRLF + b">" + r("SEND OK") +
    echo("AT+QISEND=0,0") + r("+QISEND: 10,10,0", "OK") +
    data('+QIURC: "recv",0,4', b"test") + CRLF +
    echo("AT+QICLOSE=0") + r("OK"))
T["uc20_4_5_server"] = (
    echo('AT+QIOPEN=1,1,"TCP LISTENER","127.0.0.1",0,2020,0') + r("OK") +
    r("+QIOPEN: 1,0") +
    echo("AT+QISTATE=0,1") +
    r('+QISTATE: 1,"TCP LISTENER","10.7.157.1",0,2020,3,1,0,0,"usbmodem"',
      "OK") +
    r('+QIURC: "incoming",11,1,"172.31.242.222",54091') +
    r("+QIURC: \"incoming\",10,1,172.31.242.223,54092") +
    r('+QIURC: "incoming full"') +
    r('+QIURC: "recv",11') +
    echo("AT+QIRD=11,1500") + data("+QIRD: 4", b"test") + CRLF + r("OK") +
    echo("AT+QIRD=11,1500") + r("+QIRD: 0", "OK") +
    echo("AT+QIRD=11,0") + r("+QIRD: 4,4,0", "OK") +
    echo("AT+QICLOSE=11") + r("OK") + echo("AT+QICLOSE=1") + r("OK"))
T["uc20_4_6_udp_service"] = (
    echo('AT+QIOPEN=1,2,"UDP SERVICE","127.0.0.1",0,3030,0') + r("OK") +
    r("+QIOPEN: 2,0") +
    echo("AT+QISTATE=0,1") +
    r('+QISTATE: 2,"UDP SERVICE","10.7.157.1",0,3030,2,1,0,0,"usbmodem"',
      "OK") +
    echo('AT+QISEND=2,10,"10.7.89.10",6969') + CRLF + b"> " +
    r("SEND OK") +
    r('+QIURC: "recv",2') +
    echo("AT+QIRD=2") + data('+QIRD: 4,"10.7.76.34",7687', b"AAAA") +
    CRLF + r("OK") +
    echo("AT+QIRD=2") + r("+QIRD: 0", "OK") +
    data('+QIURC: "recv",2,6,"10.7.76.34",7687', b"a\r\nb\r\n") + CRLF +
    echo("AT+QICLOSE=2") + r("OK"))
A["uc20_4_6_udp_service"] = "--model uc20"
T["uc20_4_7_ping"] = (
    echo('AT+QPING=1,"www.baidu.com"') + r("OK") +
    r("+QPING: 0,61.135.169.125,0,0,147") +
    r("+QPING: 0,61.135.169.125,0,0,108") +
    r("+QPING: 0,61.135.169.125,0,0,96") +
    r("+QPING: 0,61.135.169.125,0,0,96") +
    r("+QPING: 2,4,4,0,96,147,111") +
    r("+QPING: 1") + r("+QPING: 4") +
    r('+QPING: (1-16),"HOST",(1-255),(1-10)', "OK"))
T["uc20_4_8_ntp"] = (
    echo('AT+QNTP=1,"202.120.2.101",123') + r("OK") +
    r('+QNTP: 0,"2013/08/19,11:10:10+32"') +
    echo("AT+CCLK?") + r('+CCLK: "13/08/19,11:10:57+32"', "OK") +
    r('+QNTP: (1-16),"SERVER",(list of supported<port>s),(0,1)', "OK") +
    r('+QNTP: "202.120.2.101",123', "OK"))
T["uc20_4_9_geterror"] = (
    echo('AT+QIOPEN=1,"TCP","61.190.19.174",8033,0,1') + r("ERROR") +
    echo("AT+QIGETERROR") + r("+QIGETERROR: 558, invalid parameters",
                              "OK"))
T["uc20_boot_misc"] = (
    r("RDY", "+CFUN: 1", "+CPIN: READY", "+QUSIM: 1", "+QIND: SMS DONE",
      "+QIND: PB DONE") +
    r("Quectel", "UC20", "Revision: UC20EQAR02A05E2G", "OK") +
    r("867223021234567", "OK") +
    r("+CME ERROR: 10", "+CMS ERROR: 500", "+CME ERROR: SIM not inserted") +
    r("NO CARRIER", "CONNECT 150000000", "SEND FAIL", "CLOSE FAIL") +
    r('+QIURC: "pdpdeact",1', '+QIURC: "closed",11',
      '+QIURC: "dnsgip",0,1,600', '+QIURC: "dnsgip","61.135.169.125"',
      '+QIURC: "something",1', "+QIOPEN: 3,562") +
    r("NORMAL POWER DOWN", "POWERED DOWN"))
A["uc20_boot_misc"] = "--model uc20"

# ---- robustness ------------------------------------------------------------
T["bin_all_bytes"] = (
    data("+QIRD: 256", bytes(range(256))) + CRLF + r("OK") +
    data('+QIURC: "recv",3,1500', bytes((i * 7) & 0xff for i in range(1500)))
    + CRLF + r('+QIURC: "recv",3,1', ) [:0] +
    data('+QIURC: "recv",3,4', b"\r\n\r\n") + CRLF + r("OK"))
T["robust_garbage"] = (
    b"\x00\x00OK\x00\r\n" + b"\xff\xfe garbage \x01\x02\r" +
    b"\n\n\r\r" + b"A" * 300 + b"\r\nOK\r\n" + b"B" * 256 + b"\r\n" +
    r("+QIRD: 2000") + r('+QIURC: "recv",0,1501') +
    r('+QIURC: "recv",0,0') + r("+QIRD: -1") +
    r("+QIRD: 99999999999999999999") + r("+QIRD: 0") +
    r('+QIURC: "recv",-1') + r('+QIURC: "recv"') + r("+QIURC:") +
    r('+QIURC: "incoming",1,2,3') + r("+QIOPEN: 1,2,3") +
    r("   ") + r("OK   ") + b"x>y\r\n" +
    data("+QIRD: 8", b"trunc"))
T["robust_viewmode_bad"] = (
    CRLF + b"+QIRD: 1600," + b"C" * 40 + CRLF + r("OK") +
    CRLF + b'+QIURC: "recv",0,0,' + CRLF + r("OK"))
A["robust_viewmode_bad"] = "--model bc66 --viewmode-comma"
T["uc20_ignores_bc66_options"] = (
    data('+QIRD: 4,"10.7.76.34",7687', b"4142") + CRLF + r("OK"))
A["uc20_ignores_bc66_options"] = "--model uc20 --viewmode-comma --recv-hex"

for name, blob in T.items():
    with open(name + ".in", "wb") as f:
        f.write(blob)
    args = A.get(name, "--model uc20" if name.startswith("uc20") else
                 "--model bc66")
    with open(name + ".args", "w") as f:
        f.write(args + "\n")
