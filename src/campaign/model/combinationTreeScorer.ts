// Scores one lead on all 63 combinations in a single walk of each tree. The lead's columns are
// the same in all 63 rows, so a split on a lead column sends all of them the same way; only a
// split on a channel/day/slot column divides them. The walk carries the set of combinations
// still together (a 63-bit mask in two int32 words) and adds each leaf's value to the
// combinations that reach it — about (nodes on the lead's path + 63) steps per tree instead of
// 63 × depth. Equal to evaluating the 63 full rows (test/campaign/scoringParity.test.ts).
import { COMBINATIONS, COMBINATION_COUNT } from '../../events/contactCombinations';
import type { CampaignLayout } from '../features/campaignContract';
import { writeCombinationColumns } from '../features/campaignRows';
import { LEAF, type TreeEnsemble } from '../../onnx';

const KIND_LEAF = 0;
const KIND_LEAD = 1;
const KIND_OPTION = 2;
const ALL_LO = -1; // combinations 0…31
const ALL_HI = 0x7fffffff; // combinations 32…62 (63 in all)

export class CombinationTreeScorer {
  private readonly kind: Uint8Array;
  /** For option splits: combinations that take the true branch. */
  private readonly trueLo: Int32Array;
  private readonly trueHi: Int32Array;
  private readonly stackNode: Int32Array;
  private readonly stackLo: Int32Array;
  private readonly stackHi: Int32Array;
  private readonly margins = new Float64Array(COMBINATION_COUNT);

  constructor(private readonly trees: TreeEnsemble, private readonly layout: CampaignLayout) {
    if (trees.nFeatures !== layout.width) throw new RangeError(`the trees read ${trees.nFeatures} features; the contract builds ${layout.width}`);
    const n = trees.nNodes;
    this.kind = new Uint8Array(n);
    this.trueLo = new Int32Array(n);
    this.trueHi = new Int32Array(n);
    const optionRow = new Float32Array(layout.width);
    for (let i = 0; i < n; i++) {
      const f = trees.feature[i];
      if (f === LEAF) this.kind[i] = KIND_LEAF;
      else if (f < layout.leadWidth) this.kind[i] = KIND_LEAD;
      else {
        this.kind[i] = KIND_OPTION;
        for (const c of COMBINATIONS) {
          optionRow.fill(0);
          writeCombinationColumns(layout, optionRow, 0, c.c, c.d, c.s);
          if (optionRow[f] <= trees.threshold[i]) {
            if (c.index < 32) this.trueLo[i] |= 1 << c.index;
            else this.trueHi[i] |= 1 << (c.index - 32);
          }
        }
      }
    }
    this.stackNode = new Int32Array(n + 1);
    this.stackLo = new Int32Array(n + 1);
    this.stackHi = new Int32Array(n + 1);
  }

  /** Margins of the lead at leadRows[offset … offset + leadWidth) for all 63 combinations. */
  leadMargins(leadRows: Float32Array, offset: number): Float64Array {
    const { kind, trueLo, trueHi, stackNode, stackLo, stackHi, margins } = this;
    const { roots, feature, threshold, trueNode, falseNode, missingTrue, value } = this.trees;
    margins.fill(this.trees.baseScore);
    for (let t = 0; t < roots.length; t++) {
      let sp = 0;
      stackNode[0] = roots[t];
      stackLo[0] = ALL_LO;
      stackHi[0] = ALL_HI;
      sp = 1;
      while (sp > 0) {
        sp--;
        let node = stackNode[sp];
        let lo = stackLo[sp];
        let hi = stackHi[sp];
        for (;;) {
          const k = kind[node];
          if (k === KIND_LEAD) {
            const v = leadRows[offset + feature[node]];
            node = v <= threshold[node] || (v !== v && missingTrue[node] === 1) ? trueNode[node] : falseNode[node];
          } else if (k === KIND_OPTION) {
            const tLo = lo & trueLo[node];
            const tHi = hi & trueHi[node];
            const fLo = lo & ~trueLo[node];
            const fHi = hi & ~trueHi[node];
            if ((tLo | tHi) === 0) node = falseNode[node];
            else if ((fLo | fHi) === 0) node = trueNode[node];
            else {
              stackNode[sp] = falseNode[node];
              stackLo[sp] = fLo;
              stackHi[sp] = fHi;
              sp++;
              node = trueNode[node];
              lo = tLo;
              hi = tHi;
            }
          } else {
            const v = value[node];
            while (lo !== 0) {
              margins[31 - Math.clz32(lo & -lo)] += v;
              lo &= lo - 1;
            }
            while (hi !== 0) {
              margins[63 - Math.clz32(hi & -hi)] += v;
              hi &= hi - 1;
            }
            break;
          }
        }
      }
    }
    return margins;
  }

  /** Probabilities of leads [from, to) of a lead matrix, written at out[(i - from)·63 + k]. */
  score(leadRows: Float32Array, from: number, to: number, out: Float32Array): void {
    const lw = this.layout.leadWidth;
    for (let i = from; i < to; i++) {
      const m = this.leadMargins(leadRows, i * lw);
      const base = (i - from) * COMBINATION_COUNT;
      for (let k = 0; k < COMBINATION_COUNT; k++) out[base + k] = 1 / (1 + Math.exp(-m[k]));
    }
  }
}
