// The condition language of Sigma 2.1 rules (sigma-rules-specification.md, "Condition").
// Precedence, loosest first: or < and < not < x-of < parentheses.
grammar SigmaCondition;

condition : expr EOF ;

expr
  : LPAREN expr RPAREN            # parenExpr
  | quantifier OF target          # ofExpr
  | NOT expr                      # notExpr
  | expr AND expr                 # andExpr
  | expr OR expr                  # orExpr
  | IDENT                         # refExpr
  ;

quantifier : NUMBER | ALL | ANY ;
target     : THEM | IDENT | NUMBER ;

AND    : 'and' ;
OR     : 'or' ;
NOT    : 'not' ;
OF     : 'of' ;
ALL    : 'all' ;
ANY    : 'any' ;
THEM   : 'them' ;
LPAREN : '(' ;
RPAREN : ')' ;
PIPE   : '|' ;
NUMBER : [0-9]+ ;
IDENT  : [A-Za-z0-9_*.\-]+ ;
WS     : [ \t\r\n]+ -> skip ;
ANYCHAR : . ;
