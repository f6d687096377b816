// The parts of Apache Annotator the reading uses, bundled as one file for the browser:
// window.ApacheAnnotator.{describeTextQuote, describeTextPosition, createTextQuoteSelectorMatcher,
// createTextPositionSelectorMatcher, highlightText}.
export {
  createTextPositionSelectorMatcher,
  createTextQuoteSelectorMatcher,
  describeTextPosition,
  describeTextQuote,
  highlightText,
} from "@apache-annotator/dom";
