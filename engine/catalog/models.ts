import type { ModelSpec } from './catalog-types.js';

/**
 * The model catalog. Architecture numbers are copied from each model's Hugging Face config.json
 * (named in `source` as repo + file, with the config key for every field that is not obvious);
 * `publishedParamsB` is the vendor's or the hub's stated total, which the arithmetic in
 * model-arithmetic.ts is tested against.
 *
 * Conventions:
 * - `weightDtype` 'bf16' stands for any 2-byte float checkpoint (Llama 2 ships float16).
 * - Biases (Qwen2.5 has Q/K/V biases), RMSNorm weights and rotary tables are not architecture
 *   fields: they are under 0.01% of the parameters and the arithmetic ignores them.
 * - For MLA models, `kvHeads` and `headDim` are the config's num_key_value_heads and the query/key
 *   head width (qk_nope_head_dim + qk_rope_head_dim); the MLA arithmetic uses `attention` instead.
 */
export const MODELS: readonly ModelSpec[] = [
  {
    id: 'llama-2-7b',
    name: 'Llama 2 7B',
    layers: 32,
    hidden: 4096,
    heads: 32,
    kvHeads: 32,
    headDim: 128,
    ffn: 11008,
    vocab: 32000,
    experts: 0,
    activeExperts: 0,
    sharedExperts: 0,
    expertFfn: 0,
    denseLayers: 0,
    gatedMlp: true,
    tiedEmbeddings: false,
    attention: { kind: 'gqa' },
    weightDtype: 'bf16',
    maxContext: 4096,
    publishedParamsB: 6.74,
    source:
      'meta-llama/Llama-2-7b-hf config.json: num_hidden_layers 32, hidden_size 4096, num_attention_heads 32, ' +
      'num_key_value_heads 32 (MHA), head_dim = 4096/32 = 128, intermediate_size 11008, vocab_size 32000, hidden_act silu (SwiGLU: gate/up/down), ' +
      'tie_word_embeddings false, max_position_embeddings 4096, torch_dtype float16 (2 bytes, catalogued as bf16). ' +
      'publishedParamsB: 6.74B, the parameter count the Hugging Face hub shows for meta-llama/Llama-2-7b-hf (safetensors metadata); the Llama 2 paper (arXiv:2307.09288) rounds it to 7B.',
  },
  {
    id: 'llama-2-70b',
    name: 'Llama 2 70B',
    layers: 80,
    hidden: 8192,
    heads: 64,
    kvHeads: 8,
    headDim: 128,
    ffn: 28672,
    vocab: 32000,
    experts: 0,
    activeExperts: 0,
    sharedExperts: 0,
    expertFfn: 0,
    denseLayers: 0,
    gatedMlp: true,
    tiedEmbeddings: false,
    attention: { kind: 'gqa' },
    weightDtype: 'bf16',
    maxContext: 4096,
    publishedParamsB: 69,
    source:
      'meta-llama/Llama-2-70b-hf config.json: num_hidden_layers 80, hidden_size 8192, num_attention_heads 64, ' +
      'num_key_value_heads 8 (GQA), head_dim = 8192/64 = 128, intermediate_size 28672, vocab_size 32000, hidden_act silu, ' +
      'tie_word_embeddings false, max_position_embeddings 4096, torch_dtype float16 (2 bytes, catalogued as bf16). ' +
      'publishedParamsB: 69B, the count the Hugging Face hub shows for meta-llama/Llama-2-70b-hf (safetensors metadata); the Llama 2 paper (arXiv:2307.09288) names it 70B.',
  },
  {
    id: 'llama-3.2-3b',
    name: 'Llama 3.2 3B',
    layers: 28,
    hidden: 3072,
    heads: 24,
    kvHeads: 8,
    headDim: 128,
    ffn: 8192,
    vocab: 128256,
    experts: 0,
    activeExperts: 0,
    sharedExperts: 0,
    expertFfn: 0,
    denseLayers: 0,
    gatedMlp: true,
    tiedEmbeddings: true,
    attention: { kind: 'gqa' },
    weightDtype: 'bf16',
    maxContext: 131072,
    publishedParamsB: 3.21,
    source:
      'meta-llama/Llama-3.2-3B-Instruct config.json: num_hidden_layers 28, hidden_size 3072, num_attention_heads 24, ' +
      'num_key_value_heads 8, head_dim 128, intermediate_size 8192, vocab_size 128256, hidden_act silu, tie_word_embeddings true, ' +
      'max_position_embeddings 131072 (rope_scaling llama3, factor 32), torch_dtype bfloat16. ' +
      'publishedParamsB: 3.21B, the count the Hugging Face hub shows for meta-llama/Llama-3.2-3B-Instruct (safetensors metadata).',
  },
  {
    id: 'llama-3.1-8b',
    name: 'Llama 3.1 8B',
    layers: 32,
    hidden: 4096,
    heads: 32,
    kvHeads: 8,
    headDim: 128,
    ffn: 14336,
    vocab: 128256,
    experts: 0,
    activeExperts: 0,
    sharedExperts: 0,
    expertFfn: 0,
    denseLayers: 0,
    gatedMlp: true,
    tiedEmbeddings: false,
    attention: { kind: 'gqa' },
    weightDtype: 'bf16',
    maxContext: 131072,
    publishedParamsB: 8.03,
    source:
      'meta-llama/Llama-3.1-8B config.json: num_hidden_layers 32, hidden_size 4096, num_attention_heads 32, ' +
      'num_key_value_heads 8, head_dim 128, intermediate_size 14336, vocab_size 128256, hidden_act silu, tie_word_embeddings false, ' +
      'max_position_embeddings 131072 (rope_scaling llama3, factor 8), torch_dtype bfloat16. ' +
      'publishedParamsB: 8.03B, the count the Hugging Face hub shows for meta-llama/Llama-3.1-8B (safetensors metadata).',
  },
  {
    id: 'llama-3.1-70b',
    name: 'Llama 3.1 70B',
    layers: 80,
    hidden: 8192,
    heads: 64,
    kvHeads: 8,
    headDim: 128,
    ffn: 28672,
    vocab: 128256,
    experts: 0,
    activeExperts: 0,
    sharedExperts: 0,
    expertFfn: 0,
    denseLayers: 0,
    gatedMlp: true,
    tiedEmbeddings: false,
    attention: { kind: 'gqa' },
    weightDtype: 'bf16',
    maxContext: 131072,
    publishedParamsB: 70.6,
    source:
      'meta-llama/Llama-3.1-70B config.json: num_hidden_layers 80, hidden_size 8192, num_attention_heads 64, ' +
      'num_key_value_heads 8, head_dim 128, intermediate_size 28672, vocab_size 128256, hidden_act silu, tie_word_embeddings false, ' +
      'max_position_embeddings 131072, torch_dtype bfloat16. ' +
      'publishedParamsB: 70.6B, the count the Hugging Face hub shows for meta-llama/Llama-3.1-70B (safetensors metadata).',
  },
  {
    id: 'llama-3.1-405b',
    name: 'Llama 3.1 405B',
    layers: 126,
    hidden: 16384,
    heads: 128,
    kvHeads: 8,
    headDim: 128,
    ffn: 53248,
    vocab: 128256,
    experts: 0,
    activeExperts: 0,
    sharedExperts: 0,
    expertFfn: 0,
    denseLayers: 0,
    gatedMlp: true,
    tiedEmbeddings: false,
    attention: { kind: 'gqa' },
    weightDtype: 'bf16',
    maxContext: 131072,
    publishedParamsB: 406,
    source:
      'meta-llama/Llama-3.1-405B config.json: num_hidden_layers 126, hidden_size 16384, num_attention_heads 128, ' +
      'num_key_value_heads 8, head_dim 128, intermediate_size 53248, vocab_size 128256, hidden_act silu, tie_word_embeddings false, ' +
      'max_position_embeddings 131072, torch_dtype bfloat16 (Meta also publishes an FP8 variant, Llama-3.1-405B-FP8). ' +
      'publishedParamsB: 406B, the count the Hugging Face hub shows for meta-llama/Llama-3.1-405B (safetensors metadata); Meta names it 405B.',
  },
  {
    id: 'mixtral-8x7b',
    name: 'Mixtral 8x7B',
    layers: 32,
    hidden: 4096,
    heads: 32,
    kvHeads: 8,
    headDim: 128,
    ffn: 14336,
    vocab: 32000,
    experts: 8,
    activeExperts: 2,
    sharedExperts: 0,
    expertFfn: 14336,
    denseLayers: 0,
    gatedMlp: true,
    tiedEmbeddings: false,
    attention: { kind: 'gqa' },
    weightDtype: 'bf16',
    maxContext: 32768,
    publishedParamsB: 46.7,
    source:
      'mistralai/Mixtral-8x7B-v0.1 config.json: num_hidden_layers 32, hidden_size 4096, num_attention_heads 32, ' +
      'num_key_value_heads 8, head_dim = 4096/32 = 128, intermediate_size 14336 (per expert; every layer is MoE), num_local_experts 8, ' +
      'num_experts_per_tok 2, vocab_size 32000, hidden_act silu, tie_word_embeddings false, max_position_embeddings 32768, torch_dtype bfloat16. ' +
      'publishedParamsB: "46.7B total parameters but only uses 12.9B parameters per token", Mistral AI, "Mixtral of experts", https://mistral.ai/news/mixtral-of-experts/ (2023-12-11).',
  },
  {
    id: 'qwen2.5-72b',
    name: 'Qwen2.5 72B',
    layers: 80,
    hidden: 8192,
    heads: 64,
    kvHeads: 8,
    headDim: 128,
    ffn: 29568,
    vocab: 152064,
    experts: 0,
    activeExperts: 0,
    sharedExperts: 0,
    expertFfn: 0,
    denseLayers: 0,
    gatedMlp: true,
    tiedEmbeddings: false,
    attention: { kind: 'gqa' },
    weightDtype: 'bf16',
    maxContext: 131072,
    publishedParamsB: 72.7,
    source:
      'Qwen/Qwen2.5-72B config.json: num_hidden_layers 80, hidden_size 8192, num_attention_heads 64, num_key_value_heads 8, ' +
      'head_dim = 8192/64 = 128, intermediate_size 29568, vocab_size 152064 (embedding rows, padded beyond the tokenizer), hidden_act silu, ' +
      'tie_word_embeddings false, max_position_embeddings 131072, torch_dtype bfloat16. Qwen/Qwen2.5-72B-Instruct config.json has the same shape but ' +
      'max_position_embeddings 32768; its model card reaches the full 131,072 tokens with YaRN rope_scaling factor 4. ' +
      'Q/K/V projections carry biases (the model card: "Attention QKV bias"); the arithmetic ignores them (80 x 10240 = 0.8M parameters). ' +
      'publishedParamsB: model card Qwen/Qwen2.5-72B-Instruct README.md, "Number of Parameters: 72.7B; Number of Paramaters (Non-Embedding): 70.0B".',
  },
  {
    id: 'deepseek-v3',
    name: 'DeepSeek-V3',
    layers: 61,
    hidden: 7168,
    heads: 128,
    kvHeads: 128,
    headDim: 192,
    ffn: 18432,
    vocab: 129280,
    experts: 256,
    activeExperts: 8,
    sharedExperts: 1,
    expertFfn: 2048,
    denseLayers: 3,
    gatedMlp: true,
    tiedEmbeddings: false,
    attention: {
      kind: 'mla',
      qLoraRank: 1536,
      kvLoraRank: 512,
      qkNopeHeadDim: 128,
      qkRopeHeadDim: 64,
      vHeadDim: 128,
    },
    weightDtype: 'fp8',
    maxContext: 163840,
    publishedParamsB: 671,
    source:
      'deepseek-ai/DeepSeek-V3 config.json: num_hidden_layers 61, hidden_size 7168, num_attention_heads 128, num_key_value_heads 128, ' +
      'q_lora_rank 1536, kv_lora_rank 512, qk_nope_head_dim 128, qk_rope_head_dim 64 (headDim here = 128 + 64 = 192, the q/k head width), v_head_dim 128, ' +
      'intermediate_size 18432 (dense MLP of the first_k_dense_replace 3 layers), moe_intermediate_size 2048, n_routed_experts 256, ' +
      'num_experts_per_tok 8, n_shared_experts 1, moe_layer_freq 1, vocab_size 129280, hidden_act silu, tie_word_embeddings false, ' +
      'max_position_embeddings 163840 (YaRN from 4096; the model card states 128K context), ' +
      'quantization_config {quant_method fp8, fmt e4m3, weight_block_size [128, 128]} (native FP8 weights). ' +
      'num_nextn_predict_layers 1: the multi-token-prediction module (14B) is not part of this architecture. ' +
      'publishedParamsB: deepseek-ai/DeepSeek-V3 README.md, "671B total parameters with 37B activated for each token" ' +
      '("685B ... includes 671B of the Main Model weights and 14B of the Multi-Token Prediction (MTP) Module weights"); DeepSeek-V3 Technical Report, arXiv:2412.19437.',
  },
];
