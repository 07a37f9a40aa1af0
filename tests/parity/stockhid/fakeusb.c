/* fakeusb: a stand-in for libusb-1.0, preloaded into a stock NUT driver, that serves one USB HID UPS
 * from a capture file in the HID corpus format (shared/hid-corpus/README.md). It lets the distribution's
 * own usbhid-ups read a recorded device, so its reading is the oracle for walnut's driver.
 *
 *   FAKEUSB_CAPTURE=FILE LD_PRELOAD=fakeusb.so /lib/nut/usbhid-ups -s x -x port=auto -d 1
 *
 * Feature/input reports come from the capture's `reports:` section; a report ID it lacks is answered
 * with zero bytes. FAKEUSB_FILL=zero or =pattern ignores the capture's reports and answers every one
 * with zeros or with a deterministic pseudo-random fill (stresses the codec; FAKEUSB_SEED=N picks
 * another fill).
 * (Copy for tests/parity: adds FAKEUSB_READS, below.)
 * SET_REPORT stores what was written, so later reads see it, and with FAKEUSB_LOG=FILE appends
 * "SET_REPORT 0xID: bytes..." to FILE (to compare what instant commands and writes send). Strings: index 1 manufacturer, 2 product,
 * 3 serial, others from a `strings:` section ("4: PbAc"). Interrupt reads time out after their timeout
 * (capped at FAKEUSB_INTERRUPT_MS, default 200), or deliver lines of an `interrupts:` section once each.
 * (walnut's benchmarks: FAKEUSB_INTERRUPT_FIFO=PATH, a FIFO, adds reports on demand: each line
 * written to it, hex bytes with the report ID first, is the next interrupt report. Reads then
 * wait their whole timeout for it, as real USB does.)
 */
#define _GNU_SOURCE
#include <libusb-1.0/libusb.h>
#include <ctype.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAXREP 256
#define MAXSTR 64

static unsigned char desc[65536];
static int desc_len = 0;
static unsigned char rep[MAXREP][512];
static int rep_len[MAXREP];
static char *strs[MAXSTR];
static unsigned char intr[256][64];
static int intr_len[256], intr_n = 0, intr_next = 0;
static unsigned vid = 0x051d, pid = 0x0002;
/* The HID interface's number and interrupt IN endpoint (header `interface`, `endpoint-in`): an
 * Arduino Leonardo's HID is interface 2 behind two CDC ones, endpoint 0x84. Interfaces below it
 * are presented as CDC interfaces without endpoints. */
static int hid_interface = 0;
static unsigned endpoint_in = 0x81;
static int loaded = 0, fill_pattern = 0;
static int bits_per_report[MAXREP][4]; /* [id][type 1=in 2=out 3=feature] */

static int dummy_dev, dummy_handle;

static int parse_hex(const char *s, unsigned char *out, int max)
{
	int n = 0;
	while (*s && n < max) {
		while (*s && !isxdigit((unsigned char)*s))
			s++;
		if (!isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]))
			break;
		char b[3] = {s[0], s[1], 0};
		out[n++] = (unsigned char)strtoul(b, NULL, 16);
		s += 2;
	}
	return n;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

/* Walk the descriptor to learn each report's length per type (for reports the capture lacks). */
static void walk(void)
{
	int size = 0, count = 0, id = 0, i = 0;
	int stack[16][3], sp = 0;
	while (i < desc_len) {
		unsigned char b = desc[i];
		if (b == 0xFE) {
			if (i + 1 >= desc_len)
				break;
			i += 3 + desc[i + 1];
			continue;
		}
		int n = (int[]){0, 1, 2, 4}[b & 3];
		unsigned v = 0;
		for (int k = 0; k < n && i + 1 + k < desc_len; k++)
			v |= (unsigned)desc[i + 1 + k] << (8 * k);
		switch (b & 0xFC) {
		case 0x80: bits_per_report[id & 0xFF][1] += size * count; break;
		case 0x90: bits_per_report[id & 0xFF][2] += size * count; break;
		case 0xB0: bits_per_report[id & 0xFF][3] += size * count; break;
		case 0x74: size = (int)v; break;
		case 0x94: count = (int)v; break;
		case 0x84: id = (int)v; break;
		case 0xA4: if (sp < 16) { stack[sp][0] = size; stack[sp][1] = count; stack[sp][2] = id; sp++; } break;
		case 0xB4: if (sp > 0) { sp--; size = stack[sp][0]; count = stack[sp][1]; id = stack[sp][2]; } break;
		}
		i += 1 + n;
	}
}

static void load(void)
{
	if (loaded)
		return;
	loaded = 1;
	const char *path = getenv("FAKEUSB_CAPTURE");
	const char *fill = getenv("FAKEUSB_FILL");
	fill_pattern = fill && !strcmp(fill, "pattern");
	int keep_reports = !fill; /* FAKEUSB_FILL=zero|pattern replaces every report of the capture */
	if (!path) {
		fprintf(stderr, "fakeusb: FAKEUSB_CAPTURE is not set\n");
		return;
	}
	FILE *f = fopen(path, "r");
	if (!f) {
		perror(path);
		return;
	}
	char line[8192], section[32] = "header";
	while (fgets(line, sizeof line, f)) {
		char *t = trim(line);
		if (!*t || t[0] == '#')
			continue;
		size_t L = strlen(t);
		if (t[L - 1] == ':' && !strchr(t, ' ')) {
			snprintf(section, sizeof section, "%.*s", (int)(L - 1), t);
			continue;
		}
		char *colon = strchr(t, ':');
		if (!strcmp(section, "header") && colon) {
			*colon = 0;
			char *val = trim(colon + 1);
			if (!strcmp(t, "vendorid")) vid = (unsigned)strtoul(val, NULL, 16);
			else if (!strcmp(t, "productid")) pid = (unsigned)strtoul(val, NULL, 16);
			else if (!strcmp(t, "manufacturer")) strs[1] = strdup(val);
			else if (!strcmp(t, "product")) strs[2] = strdup(val);
			else if (!strcmp(t, "serial")) strs[3] = strdup(val);
			else if (!strcmp(t, "interface")) hid_interface = atoi(val) & 0x7F;
			else if (!strcmp(t, "endpoint-in")) endpoint_in = 0x80 | ((unsigned)strtoul(val, NULL, 16) & 0x0F);
		} else if (!strcmp(section, "descriptor")) {
			desc_len += parse_hex(t, desc + desc_len, (int)sizeof desc - desc_len);
		} else if (!strcmp(section, "reports") && colon && keep_reports) {
			int id = (int)strtoul(t, NULL, 0) & 0xFF;
			rep_len[id] = parse_hex(colon + 1, rep[id], 512);
		} else if (!strcmp(section, "strings") && colon) {
			int idx = atoi(t);
			if (idx > 0 && idx < MAXSTR)
				strs[idx] = strdup(trim(colon + 1));
		} else if (!strcmp(section, "interrupts") && intr_n < 256) {
			intr_len[intr_n] = parse_hex(t, intr[intr_n], 64);
			intr_n++;
		}
	}
	fclose(f);
	walk();
}

static void fill_report(int id, unsigned char *buf, int len)
{
	memset(buf, 0, (size_t)len);
	if (len > 0)
		buf[0] = (unsigned char)id;
	if (fill_pattern) {
		const char *seed = getenv("FAKEUSB_SEED");
		unsigned ctr = ((unsigned)id * 0x9E3779B9u) ^ (seed ? (unsigned)strtoul(seed, NULL, 0) * 0x85EBCA6Bu : 0u);
		for (int i = 1; i < len; i++) {
			unsigned x = ctr += 0x9E3779B9u; /* a counter through an integer hash: every byte independent */
			x ^= x >> 16; x *= 0x7FEB352Du; x ^= x >> 15; x *= 0x846CA68Bu; x ^= x >> 16;
			buf[i] = (unsigned char)x;
		}
	}
}

/* walnut's parity suite: FAKEUSB_READS=FILE records every report served whole (the driver's own
 * debug log cuts reports at 15 bytes), so walnut's sim can be served the very same bytes. */
static void log_report(const char *path, const char *what, int id, const unsigned char *bytes, int n)
{
	FILE *lf = path ? fopen(path, "a") : NULL;
	if (!lf)
		return;
	fprintf(lf, "%s 0x%02x:", what, id);
	for (int i = 0; i < n; i++)
		fprintf(lf, " %02x", bytes[i]);
	fprintf(lf, "\n");
	fclose(lf);
}

/* ---- the libusb API, as far as usbhid-ups uses it ---- */

int LIBUSB_CALL libusb_init(libusb_context **ctx) { load(); if (ctx) *ctx = NULL; return 0; }
void LIBUSB_CALL libusb_exit(libusb_context *ctx) { (void)ctx; }

const struct libusb_version *LIBUSB_CALL libusb_get_version(void)
{
	static const struct libusb_version v = {1, 0, 26, 0, "", "fakeusb"};
	return &v;
}

const char *LIBUSB_CALL libusb_strerror(int code)
{
	static char b[32];
	snprintf(b, sizeof b, "fakeusb error %d", code);
	return b;
}

ssize_t LIBUSB_CALL libusb_get_device_list(libusb_context *ctx, libusb_device ***list)
{
	(void)ctx;
	load();
	libusb_device **l = calloc(2, sizeof *l);
	l[0] = (libusb_device *)&dummy_dev;
	*list = l;
	return 1;
}

void LIBUSB_CALL libusb_free_device_list(libusb_device **list, int unref) { (void)unref; free(list); }
uint8_t LIBUSB_CALL libusb_get_bus_number(libusb_device *dev) { (void)dev; return 1; }

int LIBUSB_CALL libusb_get_device_descriptor(libusb_device *dev, struct libusb_device_descriptor *d)
{
	(void)dev;
	memset(d, 0, sizeof *d);
	d->bLength = 18;
	d->bDescriptorType = LIBUSB_DT_DEVICE;
	d->bcdUSB = 0x0200;
	d->bMaxPacketSize0 = 64;
	d->idVendor = (uint16_t)vid;
	d->idProduct = (uint16_t)pid;
	d->bcdDevice = 0x0106;
	d->iManufacturer = strs[1] ? 1 : 0;
	d->iProduct = strs[2] ? 2 : 0;
	d->iSerialNumber = strs[3] ? 3 : 0;
	d->bNumConfigurations = 1;
	return 0;
}

int LIBUSB_CALL libusb_get_config_descriptor(libusb_device *dev, uint8_t idx, struct libusb_config_descriptor **config)
{
	(void)dev; (void)idx;
	struct libusb_config_descriptor *c = calloc(1, sizeof *c);
	load();
	struct libusb_interface *itfs = calloc((size_t)hid_interface + 1, sizeof *itfs);
	struct libusb_interface_descriptor *alts = calloc((size_t)hid_interface + 1, sizeof *alts);
	struct libusb_interface *itf = &itfs[hid_interface];
	struct libusb_interface_descriptor *alt = &alts[hid_interface];
	for (int i = 0; i < hid_interface; i++) {
		alts[i].bLength = 9;
		alts[i].bDescriptorType = LIBUSB_DT_INTERFACE;
		alts[i].bInterfaceNumber = (uint8_t)i;
		alts[i].bInterfaceClass = i == 0 ? 0x02 : 0x0A; /* CDC control, CDC data */
		itfs[i].altsetting = &alts[i];
		itfs[i].num_altsetting = 1;
	}
	struct libusb_endpoint_descriptor *ep = calloc(1, sizeof *ep);
	unsigned char *hid = malloc(9);
	unsigned char h[9] = {9, 0x21, 0x10, 0x01, 0x21, 0x01, 0x22, (unsigned char)(desc_len & 0xFF), (unsigned char)(desc_len >> 8)};
	memcpy(hid, h, 9);
	ep->bLength = 7;
	ep->bDescriptorType = LIBUSB_DT_ENDPOINT;
	ep->bEndpointAddress = (uint8_t)endpoint_in;
	ep->bmAttributes = LIBUSB_TRANSFER_TYPE_INTERRUPT;
	ep->wMaxPacketSize = 64;
	ep->bInterval = 10;
	alt->bLength = 9;
	alt->bDescriptorType = LIBUSB_DT_INTERFACE;
	alt->bInterfaceNumber = (uint8_t)hid_interface;
	alt->bNumEndpoints = 1;
	alt->bInterfaceClass = LIBUSB_CLASS_HID;
	alt->endpoint = ep;
	alt->extra = hid;
	alt->extra_length = 9;
	itf->altsetting = alt;
	itf->num_altsetting = 1;
	c->bLength = 9;
	c->bDescriptorType = LIBUSB_DT_CONFIG;
	c->bNumInterfaces = (uint8_t)(hid_interface + 1);
	c->bConfigurationValue = 1;
	c->interface = itfs;
	*config = c;
	return 0;
}

void LIBUSB_CALL libusb_free_config_descriptor(struct libusb_config_descriptor *c)
{
	if (!c)
		return;
	const struct libusb_interface *hid = &c->interface[c->bNumInterfaces - 1];
	free((void *)hid->altsetting->extra);
	free((void *)hid->altsetting->endpoint);
	free((void *)c->interface->altsetting);
	free((void *)c->interface);
	free(c);
}

int LIBUSB_CALL libusb_open(libusb_device *dev, libusb_device_handle **h) { (void)dev; *h = (libusb_device_handle *)&dummy_handle; return 0; }
void LIBUSB_CALL libusb_close(libusb_device_handle *h) { (void)h; }
int LIBUSB_CALL libusb_claim_interface(libusb_device_handle *h, int i) { (void)h; (void)i; return 0; }
int LIBUSB_CALL libusb_release_interface(libusb_device_handle *h, int i) { (void)h; (void)i; return 0; }
int LIBUSB_CALL libusb_clear_halt(libusb_device_handle *h, unsigned char e) { (void)h; (void)e; return 0; }
int LIBUSB_CALL libusb_kernel_driver_active(libusb_device_handle *h, int i) { (void)h; (void)i; return 0; }
int LIBUSB_CALL libusb_detach_kernel_driver(libusb_device_handle *h, int i) { (void)h; (void)i; return 0; }
int LIBUSB_CALL libusb_set_auto_detach_kernel_driver(libusb_device_handle *h, int e) { (void)h; (void)e; return 0; }
int LIBUSB_CALL libusb_set_interface_alt_setting(libusb_device_handle *h, int i, int a) { (void)h; (void)i; (void)a; return 0; }

int LIBUSB_CALL libusb_get_string_descriptor_ascii(libusb_device_handle *h, uint8_t idx, unsigned char *data, int length)
{
	(void)h;
	if (idx >= MAXSTR || !strs[idx] || length <= 0)
		return LIBUSB_ERROR_PIPE;
	snprintf((char *)data, (size_t)length, "%s", strs[idx]);
	return (int)strlen((char *)data);
}

int LIBUSB_CALL libusb_control_transfer(libusb_device_handle *h, uint8_t type, uint8_t req, uint16_t value,
					uint16_t index, unsigned char *data, uint16_t len, unsigned int timeout)
{
	(void)h; (void)index; (void)timeout;
	if (type == (LIBUSB_ENDPOINT_IN | LIBUSB_REQUEST_TYPE_STANDARD | LIBUSB_RECIPIENT_INTERFACE) &&
	    req == LIBUSB_REQUEST_GET_DESCRIPTOR) {
		if ((value >> 8) == LIBUSB_DT_HID) {
			unsigned char hd[9] = {9, 0x21, 0x10, 0x01, 0x21, 0x01, 0x22, (unsigned char)(desc_len & 0xFF), (unsigned char)(desc_len >> 8)};
			int n = len < 9 ? len : 9;
			memcpy(data, hd, (size_t)n);
			return n;
		}
		if ((value >> 8) == LIBUSB_DT_REPORT) {
			int n = len < desc_len ? len : desc_len;
			memcpy(data, desc, (size_t)n);
			return n;
		}
		return LIBUSB_ERROR_PIPE;
	}
	int id = value & 0xFF, rtype = value >> 8;
	if ((type & LIBUSB_ENDPOINT_DIR_MASK) == LIBUSB_ENDPOINT_IN && req == 0x01) { /* GET_REPORT */
		if (rep_len[id] == 0) {
			int bits = bits_per_report[id][rtype == 3 ? 3 : 1];
			if (bits == 0 && id != 0)
				return LIBUSB_ERROR_PIPE;
			rep_len[id] = 1 + (bits + 7) / 8;
			if (rep_len[id] > 512)
				rep_len[id] = 512;
			fill_report(id, rep[id], rep_len[id]);
		}
		int n = len < rep_len[id] ? len : rep_len[id];
		memcpy(data, rep[id], (size_t)n);
		log_report(getenv("FAKEUSB_READS"), "GET_REPORT", id, rep[id], rep_len[id]);
		return n;
	}
	if ((type & LIBUSB_ENDPOINT_DIR_MASK) == LIBUSB_ENDPOINT_OUT && req == 0x09) { /* SET_REPORT */
		int n = len < 512 ? len : 512;
		memcpy(rep[id], data, (size_t)n);
		rep_len[id] = n;
		const char *log = getenv("FAKEUSB_LOG");
		FILE *lf = log ? fopen(log, "a") : NULL;
		if (lf) {
			fprintf(lf, "SET_REPORT 0x%02x:", id);
			for (int i = 0; i < n; i++)
				fprintf(lf, " %02x", data[i]);
			fprintf(lf, "\n");
			fclose(lf);
		}
		return len;
	}
	return LIBUSB_ERROR_PIPE;
}

/* FAKEUSB_INTERRUPT_FIFO: one line of hex bytes (report ID first) into `data` (at most
 * `length`), stored as that report's state; returns the byte count. */
static int fifo_line_bytes(const char *line, unsigned char *data, int length)
{
	int n = 0;
	char *end;
	unsigned long byte;
	while (n < length && (byte = strtoul(line, &end, 16), end != line) && byte <= 0xff) {
		data[n++] = (unsigned char)byte;
		line = end;
	}
	if (n > 0 && n <= 512) { memcpy(rep[data[0]], data, (size_t)n); rep_len[data[0]] = n; }
	return n;
}

int LIBUSB_CALL libusb_interrupt_transfer(libusb_device_handle *h, unsigned char ep, unsigned char *data, int length,
					  int *transferred, unsigned int timeout)
{
	(void)h; (void)ep;
	if (intr_next < intr_n) {
		int n = length < intr_len[intr_next] ? length : intr_len[intr_next];
		memcpy(data, intr[intr_next], (size_t)n);
		int id = data[0];
		if (n <= 512) { memcpy(rep[id], data, (size_t)n); rep_len[id] = n; }
		intr_next++;
		*transferred = n;
		return 0;
	}
	const char *fifo = getenv("FAKEUSB_INTERRUPT_FIFO");
	if (fifo) {
		/* Opened read-write: no writer yet is no end of file. */
		static int fd = -1;
		static char pending[4096];
		static size_t have = 0;
		if (fd < 0)
			fd = open(fifo, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		struct timespec start, now;
		clock_gettime(CLOCK_MONOTONIC, &start);
		for (;;) {
			char *newline = memchr(pending, '\n', have);
			if (newline) {
				size_t line_len = (size_t)(newline - pending) + 1;
				*newline = '\0';
				int n = fifo_line_bytes(pending, data, length);
				memmove(pending, pending + line_len, have - line_len);
				have -= line_len;
				if (n == 0)
					continue;
				*transferred = n;
				return 0;
			}
			clock_gettime(CLOCK_MONOTONIC, &now);
			long waited = (now.tv_sec - start.tv_sec) * 1000L + (now.tv_nsec - start.tv_nsec) / 1000000L;
			if (fd < 0 || waited >= (long)timeout || have == sizeof(pending))
				break;
			struct pollfd entry = {fd, POLLIN, 0};
			if (poll(&entry, 1, (int)((long)timeout - waited)) > 0) {
				ssize_t got = read(fd, pending + have, sizeof(pending) - have);
				if (got > 0) {
					/* A real UPS's GET_REPORT answers the new state at once, while its
					 * interrupt reports are read one per update: store every line now. */
					size_t from = have;
					have += (size_t)got;
					for (size_t i = from; i < have; i++) {
						if (pending[i] != '\n')
							continue;
						size_t start = i;
						while (start > 0 && pending[start - 1] != '\n')
							start--;
						unsigned char bytes[512];
						pending[i] = '\0';
						fifo_line_bytes(pending + start, bytes, (int)sizeof(bytes));
						pending[i] = '\n';
					}
				}
			}
		}
		*transferred = 0;
		return LIBUSB_ERROR_TIMEOUT;
	}
	const char *cap = getenv("FAKEUSB_INTERRUPT_MS");
	unsigned ms = cap ? (unsigned)atoi(cap) : 200;
	if (timeout < ms)
		ms = timeout;
	struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
	*transferred = 0;
	return LIBUSB_ERROR_TIMEOUT;
}
