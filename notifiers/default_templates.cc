#include "notifiers/default_templates.h"

namespace tocsin::notifiers {

// Plain-text templates emit nothing outside their {{define}}s, so this file renders to "".
// The subject line is, by content, Alertmanager's:
//   [FIRING:<firing count>] <group label values> (<other common label values>)
//   [RESOLVED] <group label values> (<other common label values>)
// with the parenthesised part only when there are common labels beyond the group labels.
std::string_view DefaultTemplates() {
  static constexpr std::string_view kTemplates = R"TMPL(
{{- define "__alertmanager" }}Alertmanager{{ end }}
{{- define "__alertmanagerURL" }}{{ .ExternalURL }}/#/alerts?receiver={{ urlquery .Receiver }}{{ end }}

{{- define "__subject" -}}
[{{ toUpper .Status }}{{ if eq .Status "firing" }}:{{ len .Alerts.Firing }}{{ end }}]
{{- " " }}{{ join " " .GroupLabels.SortedPairs.Values }}
{{- " " }}{{ if gt (len .CommonLabels) (len .GroupLabels) }}({{ join " " (.CommonLabels.Remove .GroupLabels.Names).Values }}){{ end }}
{{- end }}
{{- define "__description" }}{{ end }}

{{- define "__text_alert_list" }}{{ range . }}Labels:
{{ range .Labels.SortedPairs }} - {{ .Name }} = {{ .Value }}
{{ end }}Annotations:
{{ range .Annotations.SortedPairs }} - {{ .Name }} = {{ .Value }}
{{ end }}Source: {{ .GeneratorURL }}
{{ end }}{{ end }}

{{- define "slack.default.title" }}{{ template "__subject" . }}{{ end }}
{{- define "slack.default.username" }}{{ template "__alertmanager" . }}{{ end }}
{{- define "slack.default.fallback" }}{{ template "slack.default.title" . }} | {{ template "slack.default.titlelink" . }}{{ end }}
{{- define "slack.default.callbackid" }}{{ end }}
{{- define "slack.default.pretext" }}{{ end }}
{{- define "slack.default.titlelink" }}{{ template "__alertmanagerURL" . }}{{ end }}
{{- define "slack.default.iconemoji" }}{{ end }}
{{- define "slack.default.iconurl" }}{{ end }}
{{- define "slack.default.text" }}{{ end }}
{{- define "slack.default.footer" }}{{ end }}
{{- define "slack.default.color" }}{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}{{ end }}

{{- define "pagerduty.default.description" }}{{ template "__subject" . }}{{ end }}
{{- define "pagerduty.default.client" }}{{ template "__alertmanager" . }}{{ end }}
{{- define "pagerduty.default.clientURL" }}{{ template "__alertmanagerURL" . }}{{ end }}
{{- define "pagerduty.default.instances" }}{{ template "__text_alert_list" . }}{{ end }}

{{- define "email.default.subject" }}{{ template "__subject" . }}{{ end }}

{{- define "email.default.text" -}}
{{ template "__subject" . }}
{{ with .Alerts.Firing }}
[{{ len . }}] Firing
{{ template "__text_alert_list" . }}{{ end }}
{{- with .Alerts.Resolved }}
[{{ len . }}] Resolved
{{ template "__text_alert_list" . }}{{ end }}
View in {{ template "__alertmanager" . }}: {{ template "__alertmanagerURL" . }}
{{ end }}

{{- define "__subject_html" -}}
[{{ toUpper .Status }}{{ if eq .Status "firing" }}:{{ len .Alerts.Firing }}{{ end }}]
{{- " " }}{{ html (join " " .GroupLabels.SortedPairs.Values) }}
{{- " " }}{{ if gt (len .CommonLabels) (len .GroupLabels) }}({{ html (join " " (.CommonLabels.Remove .GroupLabels.Names).Values) }}){{ end }}
{{- end }}

{{- define "__email_alert_rows" }}{{ range . }}
<tr><td style="padding:12px 20px;border-top:1px solid #eeeeee">
<b>Labels</b><br>
{{ range .Labels.SortedPairs }}{{ html .Name }} = {{ html .Value }}<br>
{{ end }}{{ if .Annotations }}<b>Annotations</b><br>
{{ range .Annotations.SortedPairs }}{{ html .Name }} = {{ html .Value }}<br>
{{ end }}{{ end }}<a href="{{ html .GeneratorURL }}" style="color:#348eda">Source</a>
</td></tr>{{ end }}{{ end }}

{{- define "email.default.html" -}}
<!DOCTYPE html>
<html>
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width">
<title>{{ template "__subject_html" . }}</title>
</head>
<body style="margin:0;padding:20px;background:#f4f4f4;font-family:Helvetica,Arial,sans-serif;font-size:14px;color:#333333">
<table width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;margin:0 auto;background:#ffffff;border:1px solid #e0e0e0">
<tr><td style="padding:16px 20px;color:#ffffff;font-size:16px;text-align:center;background:{{ if .Alerts.Firing }}#e6522c{{ else }}#68b90f{{ end }}">
{{ len .Alerts }} alert{{ if gt (len .Alerts) 1 }}s{{ end }} for{{ range .GroupLabels.SortedPairs }} {{ html .Name }}={{ html .Value }}{{ end }}
</td></tr>
<tr><td style="padding:16px 20px">
<a href="{{ html .ExternalURL }}/#/alerts?receiver={{ urlquery .Receiver }}" style="display:inline-block;padding:8px 16px;background:#348eda;color:#ffffff;text-decoration:none;border-radius:4px">View in {{ template "__alertmanager" . }}</a>
</td></tr>
{{- with .Alerts.Firing }}
<tr><td style="padding:12px 20px"><b>[{{ len . }}] Firing</b></td></tr>
{{- template "__email_alert_rows" . }}
{{- end }}
{{- with .Alerts.Resolved }}
<tr><td style="padding:12px 20px"><b>[{{ len . }}] Resolved</b></td></tr>
{{- template "__email_alert_rows" . }}
{{- end }}
</table>
<p style="text-align:center;font-size:12px;color:#999999"><a href="{{ html .ExternalURL }}" style="color:#999999">Sent by {{ template "__alertmanager" . }}</a></p>
</body>
</html>
{{ end }}
)TMPL";
  return kTemplates;
}

}  // namespace tocsin::notifiers
