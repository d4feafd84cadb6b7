
// Generated from SigmaCondition.g4 by ANTLR 4.7.2



#include "SigmaConditionParser.h"


using namespace antlrcpp;
using namespace refract::grammar;
using namespace antlr4;

SigmaConditionParser::SigmaConditionParser(TokenStream *input) : Parser(input) {
  _interpreter = new atn::ParserATNSimulator(this, _atn, _decisionToDFA, _sharedContextCache);
}

SigmaConditionParser::~SigmaConditionParser() {
  delete _interpreter;
}

std::string SigmaConditionParser::getGrammarFileName() const {
  return "SigmaCondition.g4";
}

const std::vector<std::string>& SigmaConditionParser::getRuleNames() const {
  return _ruleNames;
}

dfa::Vocabulary& SigmaConditionParser::getVocabulary() const {
  return _vocabulary;
}


//----------------- ConditionContext ------------------------------------------------------------------

SigmaConditionParser::ConditionContext::ConditionContext(ParserRuleContext *parent, size_t invokingState)
  : ParserRuleContext(parent, invokingState) {
}

SigmaConditionParser::ExprContext* SigmaConditionParser::ConditionContext::expr() {
  return getRuleContext<SigmaConditionParser::ExprContext>(0);
}

tree::TerminalNode* SigmaConditionParser::ConditionContext::EOF() {
  return getToken(SigmaConditionParser::EOF, 0);
}


size_t SigmaConditionParser::ConditionContext::getRuleIndex() const {
  return SigmaConditionParser::RuleCondition;
}


SigmaConditionParser::ConditionContext* SigmaConditionParser::condition() {
  ConditionContext *_localctx = _tracker.createInstance<ConditionContext>(_ctx, getState());
  enterRule(_localctx, 0, SigmaConditionParser::RuleCondition);

  auto onExit = finally([=] {
    exitRule();
  });
  try {
    enterOuterAlt(_localctx, 1);
    setState(8);
    expr(0);
    setState(9);
    match(SigmaConditionParser::EOF);
   
  }
  catch (RecognitionException &e) {
    _errHandler->reportError(this, e);
    _localctx->exception = std::current_exception();
    _errHandler->recover(this, _localctx->exception);
  }

  return _localctx;
}

//----------------- ExprContext ------------------------------------------------------------------

SigmaConditionParser::ExprContext::ExprContext(ParserRuleContext *parent, size_t invokingState)
  : ParserRuleContext(parent, invokingState) {
}


size_t SigmaConditionParser::ExprContext::getRuleIndex() const {
  return SigmaConditionParser::RuleExpr;
}

void SigmaConditionParser::ExprContext::copyFrom(ExprContext *ctx) {
  ParserRuleContext::copyFrom(ctx);
}

//----------------- NotExprContext ------------------------------------------------------------------

tree::TerminalNode* SigmaConditionParser::NotExprContext::NOT() {
  return getToken(SigmaConditionParser::NOT, 0);
}

SigmaConditionParser::ExprContext* SigmaConditionParser::NotExprContext::expr() {
  return getRuleContext<SigmaConditionParser::ExprContext>(0);
}

SigmaConditionParser::NotExprContext::NotExprContext(ExprContext *ctx) { copyFrom(ctx); }


//----------------- OfExprContext ------------------------------------------------------------------

SigmaConditionParser::QuantifierContext* SigmaConditionParser::OfExprContext::quantifier() {
  return getRuleContext<SigmaConditionParser::QuantifierContext>(0);
}

tree::TerminalNode* SigmaConditionParser::OfExprContext::OF() {
  return getToken(SigmaConditionParser::OF, 0);
}

SigmaConditionParser::TargetContext* SigmaConditionParser::OfExprContext::target() {
  return getRuleContext<SigmaConditionParser::TargetContext>(0);
}

SigmaConditionParser::OfExprContext::OfExprContext(ExprContext *ctx) { copyFrom(ctx); }


//----------------- RefExprContext ------------------------------------------------------------------

tree::TerminalNode* SigmaConditionParser::RefExprContext::IDENT() {
  return getToken(SigmaConditionParser::IDENT, 0);
}

SigmaConditionParser::RefExprContext::RefExprContext(ExprContext *ctx) { copyFrom(ctx); }


//----------------- OrExprContext ------------------------------------------------------------------

std::vector<SigmaConditionParser::ExprContext *> SigmaConditionParser::OrExprContext::expr() {
  return getRuleContexts<SigmaConditionParser::ExprContext>();
}

SigmaConditionParser::ExprContext* SigmaConditionParser::OrExprContext::expr(size_t i) {
  return getRuleContext<SigmaConditionParser::ExprContext>(i);
}

tree::TerminalNode* SigmaConditionParser::OrExprContext::OR() {
  return getToken(SigmaConditionParser::OR, 0);
}

SigmaConditionParser::OrExprContext::OrExprContext(ExprContext *ctx) { copyFrom(ctx); }


//----------------- ParenExprContext ------------------------------------------------------------------

tree::TerminalNode* SigmaConditionParser::ParenExprContext::LPAREN() {
  return getToken(SigmaConditionParser::LPAREN, 0);
}

SigmaConditionParser::ExprContext* SigmaConditionParser::ParenExprContext::expr() {
  return getRuleContext<SigmaConditionParser::ExprContext>(0);
}

tree::TerminalNode* SigmaConditionParser::ParenExprContext::RPAREN() {
  return getToken(SigmaConditionParser::RPAREN, 0);
}

SigmaConditionParser::ParenExprContext::ParenExprContext(ExprContext *ctx) { copyFrom(ctx); }


//----------------- AndExprContext ------------------------------------------------------------------

std::vector<SigmaConditionParser::ExprContext *> SigmaConditionParser::AndExprContext::expr() {
  return getRuleContexts<SigmaConditionParser::ExprContext>();
}

SigmaConditionParser::ExprContext* SigmaConditionParser::AndExprContext::expr(size_t i) {
  return getRuleContext<SigmaConditionParser::ExprContext>(i);
}

tree::TerminalNode* SigmaConditionParser::AndExprContext::AND() {
  return getToken(SigmaConditionParser::AND, 0);
}

SigmaConditionParser::AndExprContext::AndExprContext(ExprContext *ctx) { copyFrom(ctx); }



SigmaConditionParser::ExprContext* SigmaConditionParser::expr() {
   return expr(0);
}

SigmaConditionParser::ExprContext* SigmaConditionParser::expr(int precedence) {
  ParserRuleContext *parentContext = _ctx;
  size_t parentState = getState();
  SigmaConditionParser::ExprContext *_localctx = _tracker.createInstance<ExprContext>(_ctx, parentState);
  SigmaConditionParser::ExprContext *previousContext = _localctx;
  (void)previousContext; // Silence compiler, in case the context is not used by generated code.
  size_t startState = 2;
  enterRecursionRule(_localctx, 2, SigmaConditionParser::RuleExpr, precedence);

    

  auto onExit = finally([=] {
    unrollRecursionContexts(parentContext);
  });
  try {
    size_t alt;
    enterOuterAlt(_localctx, 1);
    setState(23);
    _errHandler->sync(this);
    switch (_input->LA(1)) {
      case SigmaConditionParser::LPAREN: {
        _localctx = _tracker.createInstance<ParenExprContext>(_localctx);
        _ctx = _localctx;
        previousContext = _localctx;

        setState(12);
        match(SigmaConditionParser::LPAREN);
        setState(13);
        expr(0);
        setState(14);
        match(SigmaConditionParser::RPAREN);
        break;
      }

      case SigmaConditionParser::ALL:
      case SigmaConditionParser::ANY:
      case SigmaConditionParser::NUMBER: {
        _localctx = _tracker.createInstance<OfExprContext>(_localctx);
        _ctx = _localctx;
        previousContext = _localctx;
        setState(16);
        quantifier();
        setState(17);
        match(SigmaConditionParser::OF);
        setState(18);
        target();
        break;
      }

      case SigmaConditionParser::NOT: {
        _localctx = _tracker.createInstance<NotExprContext>(_localctx);
        _ctx = _localctx;
        previousContext = _localctx;
        setState(20);
        match(SigmaConditionParser::NOT);
        setState(21);
        expr(4);
        break;
      }

      case SigmaConditionParser::IDENT: {
        _localctx = _tracker.createInstance<RefExprContext>(_localctx);
        _ctx = _localctx;
        previousContext = _localctx;
        setState(22);
        match(SigmaConditionParser::IDENT);
        break;
      }

    default:
      throw NoViableAltException(this);
    }
    _ctx->stop = _input->LT(-1);
    setState(33);
    _errHandler->sync(this);
    alt = getInterpreter<atn::ParserATNSimulator>()->adaptivePredict(_input, 2, _ctx);
    while (alt != 2 && alt != atn::ATN::INVALID_ALT_NUMBER) {
      if (alt == 1) {
        if (!_parseListeners.empty())
          triggerExitRuleEvent();
        previousContext = _localctx;
        setState(31);
        _errHandler->sync(this);
        switch (getInterpreter<atn::ParserATNSimulator>()->adaptivePredict(_input, 1, _ctx)) {
        case 1: {
          auto newContext = _tracker.createInstance<AndExprContext>(_tracker.createInstance<ExprContext>(parentContext, parentState));
          _localctx = newContext;
          pushNewRecursionContext(newContext, startState, RuleExpr);
          setState(25);

          if (!(precpred(_ctx, 3))) throw FailedPredicateException(this, "precpred(_ctx, 3)");
          setState(26);
          match(SigmaConditionParser::AND);
          setState(27);
          expr(4);
          break;
        }

        case 2: {
          auto newContext = _tracker.createInstance<OrExprContext>(_tracker.createInstance<ExprContext>(parentContext, parentState));
          _localctx = newContext;
          pushNewRecursionContext(newContext, startState, RuleExpr);
          setState(28);

          if (!(precpred(_ctx, 2))) throw FailedPredicateException(this, "precpred(_ctx, 2)");
          setState(29);
          match(SigmaConditionParser::OR);
          setState(30);
          expr(3);
          break;
        }

        } 
      }
      setState(35);
      _errHandler->sync(this);
      alt = getInterpreter<atn::ParserATNSimulator>()->adaptivePredict(_input, 2, _ctx);
    }
  }
  catch (RecognitionException &e) {
    _errHandler->reportError(this, e);
    _localctx->exception = std::current_exception();
    _errHandler->recover(this, _localctx->exception);
  }
  return _localctx;
}

//----------------- QuantifierContext ------------------------------------------------------------------

SigmaConditionParser::QuantifierContext::QuantifierContext(ParserRuleContext *parent, size_t invokingState)
  : ParserRuleContext(parent, invokingState) {
}

tree::TerminalNode* SigmaConditionParser::QuantifierContext::NUMBER() {
  return getToken(SigmaConditionParser::NUMBER, 0);
}

tree::TerminalNode* SigmaConditionParser::QuantifierContext::ALL() {
  return getToken(SigmaConditionParser::ALL, 0);
}

tree::TerminalNode* SigmaConditionParser::QuantifierContext::ANY() {
  return getToken(SigmaConditionParser::ANY, 0);
}


size_t SigmaConditionParser::QuantifierContext::getRuleIndex() const {
  return SigmaConditionParser::RuleQuantifier;
}


SigmaConditionParser::QuantifierContext* SigmaConditionParser::quantifier() {
  QuantifierContext *_localctx = _tracker.createInstance<QuantifierContext>(_ctx, getState());
  enterRule(_localctx, 4, SigmaConditionParser::RuleQuantifier);
  size_t _la = 0;

  auto onExit = finally([=] {
    exitRule();
  });
  try {
    enterOuterAlt(_localctx, 1);
    setState(36);
    _la = _input->LA(1);
    if (!((((_la & ~ 0x3fULL) == 0) &&
      ((1ULL << _la) & ((1ULL << SigmaConditionParser::ALL)
      | (1ULL << SigmaConditionParser::ANY)
      | (1ULL << SigmaConditionParser::NUMBER))) != 0))) {
    _errHandler->recoverInline(this);
    }
    else {
      _errHandler->reportMatch(this);
      consume();
    }
   
  }
  catch (RecognitionException &e) {
    _errHandler->reportError(this, e);
    _localctx->exception = std::current_exception();
    _errHandler->recover(this, _localctx->exception);
  }

  return _localctx;
}

//----------------- TargetContext ------------------------------------------------------------------

SigmaConditionParser::TargetContext::TargetContext(ParserRuleContext *parent, size_t invokingState)
  : ParserRuleContext(parent, invokingState) {
}

tree::TerminalNode* SigmaConditionParser::TargetContext::THEM() {
  return getToken(SigmaConditionParser::THEM, 0);
}

tree::TerminalNode* SigmaConditionParser::TargetContext::IDENT() {
  return getToken(SigmaConditionParser::IDENT, 0);
}

tree::TerminalNode* SigmaConditionParser::TargetContext::NUMBER() {
  return getToken(SigmaConditionParser::NUMBER, 0);
}


size_t SigmaConditionParser::TargetContext::getRuleIndex() const {
  return SigmaConditionParser::RuleTarget;
}


SigmaConditionParser::TargetContext* SigmaConditionParser::target() {
  TargetContext *_localctx = _tracker.createInstance<TargetContext>(_ctx, getState());
  enterRule(_localctx, 6, SigmaConditionParser::RuleTarget);
  size_t _la = 0;

  auto onExit = finally([=] {
    exitRule();
  });
  try {
    enterOuterAlt(_localctx, 1);
    setState(38);
    _la = _input->LA(1);
    if (!((((_la & ~ 0x3fULL) == 0) &&
      ((1ULL << _la) & ((1ULL << SigmaConditionParser::THEM)
      | (1ULL << SigmaConditionParser::NUMBER)
      | (1ULL << SigmaConditionParser::IDENT))) != 0))) {
    _errHandler->recoverInline(this);
    }
    else {
      _errHandler->reportMatch(this);
      consume();
    }
   
  }
  catch (RecognitionException &e) {
    _errHandler->reportError(this, e);
    _localctx->exception = std::current_exception();
    _errHandler->recover(this, _localctx->exception);
  }

  return _localctx;
}

bool SigmaConditionParser::sempred(RuleContext *context, size_t ruleIndex, size_t predicateIndex) {
  switch (ruleIndex) {
    case 1: return exprSempred(dynamic_cast<ExprContext *>(context), predicateIndex);

  default:
    break;
  }
  return true;
}

bool SigmaConditionParser::exprSempred(ExprContext *_localctx, size_t predicateIndex) {
  switch (predicateIndex) {
    case 0: return precpred(_ctx, 3);
    case 1: return precpred(_ctx, 2);

  default:
    break;
  }
  return true;
}

// Static vars and initialization.
std::vector<dfa::DFA> SigmaConditionParser::_decisionToDFA;
atn::PredictionContextCache SigmaConditionParser::_sharedContextCache;

// We own the ATN which in turn owns the ATN states.
atn::ATN SigmaConditionParser::_atn;
std::vector<uint16_t> SigmaConditionParser::_serializedATN;

std::vector<std::string> SigmaConditionParser::_ruleNames = {
  "condition", "expr", "quantifier", "target"
};

std::vector<std::string> SigmaConditionParser::_literalNames = {
  "", "'and'", "'or'", "'not'", "'of'", "'all'", "'any'", "'them'", "'('", 
  "')'", "'|'"
};

std::vector<std::string> SigmaConditionParser::_symbolicNames = {
  "", "AND", "OR", "NOT", "OF", "ALL", "ANY", "THEM", "LPAREN", "RPAREN", 
  "PIPE", "NUMBER", "IDENT", "WS", "ANYCHAR"
};

dfa::Vocabulary SigmaConditionParser::_vocabulary(_literalNames, _symbolicNames);

std::vector<std::string> SigmaConditionParser::_tokenNames;

SigmaConditionParser::Initializer::Initializer() {
	for (size_t i = 0; i < _symbolicNames.size(); ++i) {
		std::string name = _vocabulary.getLiteralName(i);
		if (name.empty()) {
			name = _vocabulary.getSymbolicName(i);
		}

		if (name.empty()) {
			_tokenNames.push_back("<INVALID>");
		} else {
      _tokenNames.push_back(name);
    }
	}

  _serializedATN = {
    0x3, 0x608b, 0xa72a, 0x8133, 0xb9ed, 0x417c, 0x3be7, 0x7786, 0x5964, 
    0x3, 0x10, 0x2b, 0x4, 0x2, 0x9, 0x2, 0x4, 0x3, 0x9, 0x3, 0x4, 0x4, 0x9, 
    0x4, 0x4, 0x5, 0x9, 0x5, 0x3, 0x2, 0x3, 0x2, 0x3, 0x2, 0x3, 0x3, 0x3, 
    0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 
    0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x5, 0x3, 0x1a, 0xa, 0x3, 0x3, 0x3, 
    0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x7, 0x3, 0x22, 0xa, 
    0x3, 0xc, 0x3, 0xe, 0x3, 0x25, 0xb, 0x3, 0x3, 0x4, 0x3, 0x4, 0x3, 0x5, 
    0x3, 0x5, 0x3, 0x5, 0x2, 0x3, 0x4, 0x6, 0x2, 0x4, 0x6, 0x8, 0x2, 0x4, 
    0x4, 0x2, 0x7, 0x8, 0xd, 0xd, 0x4, 0x2, 0x9, 0x9, 0xd, 0xe, 0x2, 0x2b, 
    0x2, 0xa, 0x3, 0x2, 0x2, 0x2, 0x4, 0x19, 0x3, 0x2, 0x2, 0x2, 0x6, 0x26, 
    0x3, 0x2, 0x2, 0x2, 0x8, 0x28, 0x3, 0x2, 0x2, 0x2, 0xa, 0xb, 0x5, 0x4, 
    0x3, 0x2, 0xb, 0xc, 0x7, 0x2, 0x2, 0x3, 0xc, 0x3, 0x3, 0x2, 0x2, 0x2, 
    0xd, 0xe, 0x8, 0x3, 0x1, 0x2, 0xe, 0xf, 0x7, 0xa, 0x2, 0x2, 0xf, 0x10, 
    0x5, 0x4, 0x3, 0x2, 0x10, 0x11, 0x7, 0xb, 0x2, 0x2, 0x11, 0x1a, 0x3, 
    0x2, 0x2, 0x2, 0x12, 0x13, 0x5, 0x6, 0x4, 0x2, 0x13, 0x14, 0x7, 0x6, 
    0x2, 0x2, 0x14, 0x15, 0x5, 0x8, 0x5, 0x2, 0x15, 0x1a, 0x3, 0x2, 0x2, 
    0x2, 0x16, 0x17, 0x7, 0x5, 0x2, 0x2, 0x17, 0x1a, 0x5, 0x4, 0x3, 0x6, 
    0x18, 0x1a, 0x7, 0xe, 0x2, 0x2, 0x19, 0xd, 0x3, 0x2, 0x2, 0x2, 0x19, 
    0x12, 0x3, 0x2, 0x2, 0x2, 0x19, 0x16, 0x3, 0x2, 0x2, 0x2, 0x19, 0x18, 
    0x3, 0x2, 0x2, 0x2, 0x1a, 0x23, 0x3, 0x2, 0x2, 0x2, 0x1b, 0x1c, 0xc, 
    0x5, 0x2, 0x2, 0x1c, 0x1d, 0x7, 0x3, 0x2, 0x2, 0x1d, 0x22, 0x5, 0x4, 
    0x3, 0x6, 0x1e, 0x1f, 0xc, 0x4, 0x2, 0x2, 0x1f, 0x20, 0x7, 0x4, 0x2, 
    0x2, 0x20, 0x22, 0x5, 0x4, 0x3, 0x5, 0x21, 0x1b, 0x3, 0x2, 0x2, 0x2, 
    0x21, 0x1e, 0x3, 0x2, 0x2, 0x2, 0x22, 0x25, 0x3, 0x2, 0x2, 0x2, 0x23, 
    0x21, 0x3, 0x2, 0x2, 0x2, 0x23, 0x24, 0x3, 0x2, 0x2, 0x2, 0x24, 0x5, 
    0x3, 0x2, 0x2, 0x2, 0x25, 0x23, 0x3, 0x2, 0x2, 0x2, 0x26, 0x27, 0x9, 
    0x2, 0x2, 0x2, 0x27, 0x7, 0x3, 0x2, 0x2, 0x2, 0x28, 0x29, 0x9, 0x3, 
    0x2, 0x2, 0x29, 0x9, 0x3, 0x2, 0x2, 0x2, 0x5, 0x19, 0x21, 0x23, 
  };

  atn::ATNDeserializer deserializer;
  _atn = deserializer.deserialize(_serializedATN);

  size_t count = _atn.getNumberOfDecisions();
  _decisionToDFA.reserve(count);
  for (size_t i = 0; i < count; i++) { 
    _decisionToDFA.emplace_back(_atn.getDecisionState(i), i);
  }
}

SigmaConditionParser::Initializer SigmaConditionParser::_init;
