package dev.coffer.server.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.TextTable;

/**
 * A table of text with a header row and aligned columns, laid out by picocli's {@link TextTable}:
 * each column as wide as its widest cell plus two spaces. Cells are {@linkplain #clean cleaned}, so
 * text from the server cannot move the cursor or recolour a terminal.
 *
 * <pre>{@code
 * Table t = new Table("VERSION", "STATUS");
 * t.row("1", "CURRENT");
 * System.out.println(t);
 * }</pre>
 */
final class Table {
    private static final int GAP = 2;

    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();

    Table(String... header) {
        this.header = header.clone();
    }

    /** Adds a row; {@code null} cells print as {@code -}. */
    Table row(Object... cells) {
        if (cells.length != header.length) {
            throw new IllegalArgumentException("a row of " + cells.length + " cells in a table of " + header.length + " columns");
        }
        rows.add(Arrays.stream(cells).map(c -> c == null ? "-" : clean(c.toString())).toArray(String[]::new));
        return this;
    }

    /** Whether no row was added. */
    boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The header and the rows, without trailing spaces. */
    @Override
    public String toString() {
        Column[] columns = new Column[header.length];
        for (int c = 0; c < header.length; c++) {
            int width = header[c].length();
            for (String[] row : rows) {
                width = Math.max(width, row[c].length());
            }
            columns[c] = new Column(width + GAP, 0, Column.Overflow.SPAN);
        }
        TextTable table = TextTable.forColumns(Ansi.OFF, columns);
        table.addRowValues(plain(header));
        for (String[] row : rows) {
            table.addRowValues(plain(row));
        }
        return table.toString().lines().map(String::stripTrailing).collect(Collectors.joining("\n"));
    }

    /**
     * Cells as text without picocli's {@code @|style ...|@} markup being interpreted: picocli parses
     * markup in any string that holds {@code @|} (and mangles or throws on text that is not markup),
     * so such text is added in pieces that each hold no {@code @|}.
     */
    private static Ansi.Text[] plain(String[] cells) {
        Ansi.Text[] out = new Ansi.Text[cells.length];
        for (int i = 0; i < cells.length; i++) {
            String cell = cells[i];
            Ansi.Text text = Ansi.OFF.new Text(cell.length());
            int from = 0;
            for (int at = cell.indexOf("@|"); at >= 0; at = cell.indexOf("@|", at + 1)) {
                text = text.concat(cell.substring(from, at + 1)); // up to and with the '@'
                from = at + 1;
            }
            out[i] = text.concat(cell.substring(from));
        }
        return out;
    }

    /** {@code s} with control characters (escape sequences, line breaks) shown as {@code ?}. */
    static String clean(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return out.toString();
    }
}
