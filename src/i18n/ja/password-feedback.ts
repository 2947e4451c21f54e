// zxcvbn-ts has no Japanese pack: its feedback on a weak password comes back as keys, translated
// here (English comes from @zxcvbn-ts/language-en). An unknown key shows as the key itself.
export const passwordFeedback: { readonly warnings: Readonly<Record<string, string>>; readonly suggestions: Readonly<Record<string, string>> } = {
  warnings: {
    straightRow: 'キーボードで一列に並んだキーは推測されやすいです。',
    keyPattern: '短いキーボードのパターンは推測されやすいです。',
    simpleRepeat: '「aaa」のような同じ文字の繰り返しは推測されやすいです。',
    extendedRepeat: '「abcabcabc」のような繰り返しは推測されやすいです。',
    sequences: '「abc」のようなよくある並びは推測されやすいです。',
    recentYears: '最近の年は推測されやすいです。',
    dates: '日付は推測されやすいです。',
    topTen: '非常によく使われているパスワードです。',
    topHundred: 'よく使われているパスワードです。',
    common: '一般的によく使われているパスワードです。',
    similarToCommon: 'よく使われているパスワードに似ています。',
    wordByItself: '単語ひとつだけでは推測されやすいです。',
    namesByThemselves: '名前や名字だけでは推測されやすいです。',
    commonNames: 'よくある名前や名字は推測されやすいです。',
    userInputs: 'メールアドレスや名前など、あなたに関する情報を含めないでください。',
    pwned: 'このパスワードはインターネット上のデータ漏えいで流出しています。',
  },

  suggestions: {
    l33t: '「a」を「@」にするような予測しやすい置き換えは避けてください。',
    reverseWords: 'よくある単語を逆につづるのは避けてください。',
    allUppercase: 'すべてではなく、一部の文字だけを大文字にしてください。',
    capitalization: '先頭以外の文字も大文字にしてください。',
    dates: 'あなたに関係する日付や年は避けてください。',
    recentYears: '最近の年は避けてください。',
    associatedYears: 'あなたに関係する年は避けてください。',
    sequences: 'よくある文字の並びは避けてください。',
    repeated: '単語や文字の繰り返しは避けてください。',
    longerKeyboardPattern: 'キーボードのパターンを使うなら、長くし、何度も向きを変えてください。',
    anotherWord: 'あまり使われない単語を加えてください。',
    useWords: '複数の単語を使ってください。ただし、よくある言い回しは避けてください。',
    noNeed: '記号・数字・大文字を使わなくても、強いパスワードは作れます。',
    pwned: 'このパスワードを他で使っている場合は変更してください。',
  },
};
