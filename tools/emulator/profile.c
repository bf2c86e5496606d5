// SPDX-License-Identifier: GPL-2.0
/*
 * Module profiles: what real modules of each family print where the
 * manuals are silent or wrong (Documentation/networking/qtcpip-dialects.rst,
 * "Profiles"). A profile is data; the dialect code asks it.
 */
#include <stdio.h>
#include <string.h>
#include "emu.h"

static const char *const ati_bc66[] = { "Quectel", "BC66",
	"Revision: BC66NBR01A01", NULL };
static const char *const ati_bc66_fw[] = { "Quectel_Ltd", "Quectel_BC66",
	"Revision: BC66NBR01A06", NULL };
static const char *const ati_bc660k[] = { "Quectel_Ltd",
	"Quectel_BC660K-GL", "Revision: BC660KGLAAR01A03", NULL };
static const char *const ati_uc20[] = { "Quectel", "UC20",
	"Revision: UC20GQBR03A12E1G", NULL };
static const char *const ati_bg96[] = { "Quectel", "BG96",
	"Revision: BG96MAR02A07M1G", NULL };
static const char *const ati_ec21[] = { "Quectel", "EC21",
	"Revision: EC21EFAR06A01M4G", NULL };

static const char *const boot_rdy[] = { "RDY", NULL };
/* MT2625 boot ROM banner, as a real BC66 prints it at power-on and after
 * AT+QRST=1 (no RDY).
 */
static const char *const boot_brom[] = { "F1: 0000 0000",
	"V0: 0000 0000 [0001]", "00: 0006 000C", "01: 0000 0000",
	"U0: 0000 0001 [0000]", "T0: 0000 00B4", "Leaving the BROM", NULL };
static const char *const boot_bg96[] = { "RDY", "+CFUN: 1",
	"+CPIN: READY", "+QUSIM: 1", "+QIND: SMS DONE", "APP RDY", NULL };

/* URCs real modules print that the manuals never show. */
static const char *const vendor_urcs[] = { "+CSCON: 1", "+CEREG: 1",
	"+IP: 10.64.0.7", "+QNBIOTEVENT: \"ENTER PSM\"",
	"+QMTSTAT: 0,1", "+QLWEVTIND: 3", NULL };

static const struct profile profiles[] = {
	{
		.name = "bc66", .model = BC66, .ati = ati_bc66,
		.cgmm = "BC66", .boot = boot_rdy, .bc66_errors = true,
	},
	{
		.name = "bc66-fw", .model = BC66, .ati = ati_bc66_fw,
		.cgmm = "BC66", .boot = boot_brom, .bc66_errors = true,
		.first_at_lost = true,
	},
	{
		.name = "bc660k", .model = BC66, .ati = ati_bc660k,
		.cgmm = "BC660K-GL", .boot = boot_rdy, .bc66_errors = true,
		.late_close_ok_ms = 50,
	},
	{
		.name = "uc20", .model = UC20, .ati = ati_uc20,
		.cgmm = "UC20", .boot = boot_rdy,
	},
	{
		.name = "bg96", .model = UC20, .ati = ati_bg96,
		.cgmm = "BG96", .boot = boot_bg96, .bc66_errors = true,
		.recv_len = RECV_LEN_ALTERNATE, .vendor_urcs = vendor_urcs,
		.has_urcport = true, .urcport_default_uart = true,
		.ping_5xx = true,
	},
	{
		.name = "ec21", .model = UC20, .ati = ati_ec21,
		.cgmm = "EC21", .boot = boot_bg96, .bc66_errors = true,
		.recv_len = RECV_LEN_ALTERNATE, .vendor_urcs = vendor_urcs,
		.has_urcport = true, .ping_5xx = true,
	},
};

const struct profile *PROF = &profiles[0];
/* The one of the command line, which control "clear" restores. */
static const struct profile *prof_cmdline = &profiles[0];

/* Take profile @p from now on (identity at once, boot behaviour at the
 * next boot); @cmdline: it is the command line's.
 */
void profile_set(const struct profile *p, bool cmdline)
{
	PROF = p;
	if (cmdline)
		prof_cmdline = p;
	M.name = profile_model_name();
	M.rev = profile_revision();
	M.ati_override[0] = '\0';
	M.urc_uart = PROF->urcport_default_uart || !PROF->has_urcport;
}

void profile_restore(void)
{
	if (PROF != prof_cmdline || M.ati_override[0])
		profile_set(prof_cmdline, false);
}

/* The profile called @name for @model, or NULL (also when it is of the
 * other model).
 */
const struct profile *profile_find(const char *name, enum model model)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(profiles); i++)
		if (!strcmp(profiles[i].name, name))
			return profiles[i].model == model ? &profiles[i] : NULL;
	return NULL;
}

const struct profile *profile_default(enum model model)
{
	return model == BC66 ? &profiles[0] : &profiles[3];
}

/* The model name as the last ATI line before "Revision:" carries it,
 * without a "Quectel_" prefix.
 */
const char *profile_model_name(void)
{
	const char *name = PROF->cgmm;

	return name;
}

const char *profile_revision(void)
{
	size_t i;

	for (i = 0; PROF->ati[i]; i++)
		if (!strncmp(PROF->ati[i], "Revision: ", 10))
			return PROF->ati[i] + 10;
	return "";
}

void profile_list(FILE *f)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(profiles); i++)
		fprintf(f, "%s%s (%s)", i ? ", " : "", profiles[i].name,
			profiles[i].model == BC66 ? "bc66" : "uc20");
	fputc('\n', f);
}
