// Parses Bicep with tree-sitter-bicep and reports ERROR / MISSING nodes as syntax issues.
import Parser, { type SyntaxNode, type Tree } from 'tree-sitter';
import Bicep from 'tree-sitter-bicep';
import type { Issue } from './issues';

let parser: Parser | undefined;

function bicepParser(): Parser {
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(Bicep as unknown as Parser.Language);
  }
  return parser;
}

export function parseBicep(source: string): Tree {
  // The node binding reads long inputs in chunks; a generous buffer avoids a known 32 KB limit.
  return bicepParser().parse(source, undefined, { bufferSize: Math.max(64 * 1024, source.length * 2) });
}

export function syntaxIssues(tree: Tree, file: string): Issue[] {
  const issues: Issue[] = [];
  const visit = (node: SyntaxNode): void => {
    if (node.type === 'ERROR' || node.isMissing) {
      const what = node.isMissing ? `missing ${node.type}` : `unexpected "${node.text.slice(0, 40).replace(/\s+/g, ' ')}"`;
      issues.push({ check: 'syntax', file, line: node.startPosition.row + 1, message: `syntax error: ${what}` });
      return;
    }
    if (node.hasError) for (const child of node.children) visit(child);
  };
  visit(tree.rootNode);
  if (tree.rootNode.hasError && issues.length === 0) {
    issues.push({ check: 'syntax', file, line: 1, message: 'syntax error somewhere in the file' });
  }
  return issues;
}
