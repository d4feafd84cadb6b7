
// Generated from SigmaCondition.g4 by ANTLR 4.7.2

#pragma once


#include "antlr4-runtime.h"


namespace refract::grammar {


class  SigmaConditionLexer : public antlr4::Lexer {
public:
  enum {
    AND = 1, OR = 2, NOT = 3, OF = 4, ALL = 5, ANY = 6, THEM = 7, LPAREN = 8, 
    RPAREN = 9, PIPE = 10, NUMBER = 11, IDENT = 12, WS = 13, ANYCHAR = 14
  };

  SigmaConditionLexer(antlr4::CharStream *input);
  ~SigmaConditionLexer();

  virtual std::string getGrammarFileName() const override;
  virtual const std::vector<std::string>& getRuleNames() const override;

  virtual const std::vector<std::string>& getChannelNames() const override;
  virtual const std::vector<std::string>& getModeNames() const override;
  virtual const std::vector<std::string>& getTokenNames() const override; // deprecated, use vocabulary instead
  virtual antlr4::dfa::Vocabulary& getVocabulary() const override;

  virtual const std::vector<uint16_t> getSerializedATN() const override;
  virtual const antlr4::atn::ATN& getATN() const override;

private:
  static std::vector<antlr4::dfa::DFA> _decisionToDFA;
  static antlr4::atn::PredictionContextCache _sharedContextCache;
  static std::vector<std::string> _ruleNames;
  static std::vector<std::string> _tokenNames;
  static std::vector<std::string> _channelNames;
  static std::vector<std::string> _modeNames;

  static std::vector<std::string> _literalNames;
  static std::vector<std::string> _symbolicNames;
  static antlr4::dfa::Vocabulary _vocabulary;
  static antlr4::atn::ATN _atn;
  static std::vector<uint16_t> _serializedATN;


  // Individual action functions triggered by action() above.

  // Individual semantic predicate functions triggered by sempred() above.

  struct Initializer {
    Initializer();
  };
  static Initializer _init;
};

}  // namespace refract::grammar
