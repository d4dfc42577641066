/**
 * Names of every feature column the reference calculator produces, in the
 * order of its output (and of the parity fixtures), plus the design
 * document's spellings of some of them: the registry's column catalogue,
 * which lives in runtime/registry/vocabulary.ts (shared with the compiler).
 */
export {
  BAR_COLUMNS, type BarColumn, COLUMN_ALIASES, INDICATOR_COLUMNS, type IndicatorColumn, canonicalColumn, isIndicatorColumn,
} from '../registry/vocabulary.js';
