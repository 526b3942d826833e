/* svg.c - SVG text helpers: escaping, number formatting, the document frame. */
#include "svg.h"

#include <math.h>
#include <string.h>

#include "textesc.h"

static void put_xml_escaped(FILE *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default: fputc(s[i], out); break;
		}
	}
}

void svg_text(FILE *out, const char *s)
{
	if (s == NULL)
		return;
	size_t n = strlen(s);
	char buf[256];
	while (n > 0) {
		size_t used = 0;
		size_t w = text_escape(buf, sizeof buf, s, n, false, &used);
		put_xml_escaped(out, buf, w);
		if (used == 0) /* cannot happen with a buffer this size; never loop forever */
			break;
		s += used;
		n -= used;
	}
}

void svg_num(FILE *out, double v)
{
	if (!isfinite(v))
		v = 0;
	double r = round(v * 10.0) / 10.0;
	if (r == 0)
		r = 0; /* no "-0" */
	if (r == floor(r) && fabs(r) < 1e15)
		fprintf(out, "%.0f", r);
	else
		fprintf(out, "%.1f", r);
}

void svg_begin(FILE *out, int width, int height, const char *title, const char *css)
{
	fprintf(out,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\">\n<title>",
		width, height, width, height);
	svg_text(out, title);
	fputs("</title>\n", out);
	if (css != NULL)
		fprintf(out, "<style type=\"text/css\"><![CDATA[\n%s]]></style>\n", css);
	fprintf(out, "<rect class=\"bg\" x=\"0\" y=\"0\" width=\"%d\" height=\"%d\"/>\n", width, height);
}

int svg_end(FILE *out)
{
	fputs("</svg>\n", out);
	return ferror(out) ? -1 : 0;
}
