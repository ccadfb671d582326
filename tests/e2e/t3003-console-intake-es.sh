#!/usr/bin/env bash
# A whole intake in Spanish through a real terminal (console and interview
# language es): an error shown at once and corrected, a travelling group of
# three, review, finish, and the referrals with their reasons in Spanish.
# Then `senda summary 1 --out FILE` writes the same summary.
. "$TOP/tests/e2e/lib.sh"
console_setup "" "[console]
language = es"

tmux_start "$SENDA" --config "$CFG"
tmux_wait "Frase de acceso:"
tmux_text "$PASS"; tmux_keys Enter
tmux_wait "Aún no hay entrevistas"
tmux_keys n
tmux_wait "Elija el idioma de la persona"
tmux_text 2				# es
tmux_wait "Haremos algunas preguntas."
tmux_keys Enter
tmux_wait "¿Está de acuerdo con la entrevista?"
tmux_text s
tmux_wait "Nombre"
tmux_text "María José"; tmux_keys Enter
tmux_wait "Apellido"
tmux_text "Núñez"; tmux_keys Enter
tmux_wait "Edad en años"
tmux_text "150"; tmux_keys Enter
tmux_wait "La edad debe estar entre 0 y 120."	# shown at once
tmux_keys C-u; tmux_text "34"; tmux_keys Enter
tmux_wait "¿Está embarazada?"			# skip logic: age >= 12
tmux_wait_gone "La edad debe estar"
tmux_text n
tmux_wait "Fecha de llegada"
tmux_text "2024-03-01"; tmux_keys Enter
tmux_wait "Nacionalidad"
tmux_text "hon"
tmux_wait "Honduras"
tmux_keys Enter
tmux_wait "¿Qué necesita?"
tmux_text 1; tmux_keys Enter			# albergue
tmux_wait "Miembro del grupo"
tmux_keys Enter
tmux_wait "Aún no hay miembros"
for m in "Luis 9" "Rosa 40" "Ana 2"; do
	set -- $m
	tmux_text a
	tmux_wait "Nombre del miembro"
	tmux_text "$1"; tmux_keys Enter
	tmux_wait "Edad del miembro"
	tmux_text "$2"; tmux_keys Enter
	tmux_wait "$1"
done
tmux_wait "miembros: 3"
tmux_keys Escape
tmux_wait "Miembro del grupo"
tmux_keys Tab
tmux_wait "¿Tiene miedo de volver?"
tmux_text s
tmux_wait "¿Podemos compartir con asesoría legal?"
tmux_text s
tmux_wait "No falta nada"
tmux_keys F10
tmux_wait "Entrevista terminada y en cola para envío."
scr=$(tmux_screen)
expect_contains "legal referral" "legal_orientation - Legal aid clinic" "$scr"
expect_contains "urgency from the children" "urgencia: high" "$scr"
expect_contains "reason in Spanish" "un abogado puede explicarle el asilo" "$scr"
expect_contains "consent" "con consentimiento: se enviará" "$scr"
tmux_keys Escape
tmux_wait "María José Núñez"
scr=$(tmux_screen)
expect_contains "case list status" "completada" "$scr"
tmux_keys q
expect_eq "exit status" 0 "$(tmux_exit_status)"

printf '%s\n' "$PASS" | "$SENDA" --config "$CFG" --passphrase-fd 0 summary 1 \
	--out "$TMPDIR/summary.txt" || fail "senda summary failed"
expect_contains "summary title" "Admisión mínima" "$(cat "$TMPDIR/summary.txt")"
expect_contains "summary reason" "Necesita un lugar donde quedarse." "$(cat "$TMPDIR/summary.txt")"
[ "$(stat -c %a "$TMPDIR/summary.txt")" = 600 ] || fail "summary file is not 0600"
printf '%s\n' "$PASS" | expect_exit 6 "$SENDA" --config "$CFG" --passphrase-fd 0 summary 1 \
	--out "$TMPDIR/summary.txt"
