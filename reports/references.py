"""The methods' references the report lists, in APA style with DOIs where they have one."""

REFERENCES = [
    "Asparouhov, T., & Muthén, B. (2014). Multiple-group factor analysis alignment. Structural Equation Modeling, "
    "21(4), 495–508. https://doi.org/10.1080/10705511.2014.919210",
    "Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery rate: A practical and powerful approach to "
    "multiple testing. Journal of the Royal Statistical Society: Series B, 57(1), 289–300. "
    "https://doi.org/10.1111/j.2517-6161.1995.tb02031.x",
    "Chen, F. F. (2007). Sensitivity of goodness of fit indexes to lack of measurement invariance. Structural Equation "
    "Modeling, 14(3), 464–504. https://doi.org/10.1080/10705510701301834",
    "Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests. Psychometrika, 16(3), 297–334. "
    "https://doi.org/10.1007/BF02310555",
    "Dekker, D., Krackhardt, D., & Snijders, T. A. B. (2007). Sensitivity of MRQAP tests to collinearity and "
    "autocorrelation conditions. Psychometrika, 72(4), 563–581. https://doi.org/10.1007/s11336-007-9016-1",
    "Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for coefficient alpha. Applied "
    "Psychological Measurement, 11(1), 93–103. https://doi.org/10.1177/014662168701100107",
    "Holm, S. (1979). A simple sequentially rejective multiple test procedure. Scandinavian Journal of Statistics, 6(2), "
    "65–70.",
    "Hubert, L., & Arabie, P. (1987). Evaluating order hypotheses within proximity matrices. Psychological Bulletin, "
    "102(1), 172–178. https://doi.org/10.1037/0033-2909.102.1.172",
    "Krackhardt, D. (1988). Predicting with networks: Nonparametric multiple regression analysis of dyadic data. "
    "Social Networks, 10(4), 359–381. https://doi.org/10.1016/0378-8733(88)90004-4",
    "McDonald, R. P. (1999). Test theory: A unified treatment. Erlbaum.",
    "Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. Journal of Statistical Software, 48(2), "
    "1–36. https://doi.org/10.18637/jss.v048.i02",
    "Schwartz, S. H. (2003). A proposal for measuring value orientations across nations. In Questionnaire development "
    "package of the European Social Survey (ch. 7). European Social Survey.",
    "Schwartz, S. H., & Bardi, A. (2001). Value hierarchies across cultures: Taking a similarities perspective. Journal "
    "of Cross-Cultural Psychology, 32(3), 268–290. https://doi.org/10.1177/0022022101032003002",
    "Welch, B. L. (1951). On the comparison of several mean values: An alternative approach. Biometrika, 38(3–4), "
    "330–336. https://doi.org/10.1093/biomet/38.3-4.330",
]
